// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {IEvidenceRegistry} from "../../../contracts/interfaces/IEvidenceRegistry.sol";
import {CalendarMonths} from "../../../contracts/libraries/CalendarMonths.sol";
import {Roles} from "../../../contracts/libraries/Roles.sol";
import {AccountKind, Licence} from "../../../contracts/types/MemberTypes.sol";
import {
    Compliance,
    Instalment,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    Profile,
    SettlementTerms,
    Status
} from "../../../contracts/types/SettlementTypes.sol";
import {IHejieRegistry, IMultisigWallet} from "./Interfaces.sol";
import {TestBase} from "./TestBase.sol";

/// @title HejieTestBase
/// @notice Deploys Hejie as `deploy/modules/Hejie.ts` does (one AccessManager, the HejieRegistry, the
/// EvidenceRegistry, the role wiring of `deploy/permissions.ts`), admits a platform with an oracle
/// key, a lawyer, a committee member and a borrower (plus a second platform, lawyer and borrower for
/// cross-party cases), and builds, signs and registers settlements and payment reports.
/// @dev The contracts are deployed from their production artifacts (`vm.getCode`): the tests run the
/// bytecode that is deployed. Every key is `vm.addr(privateKey)`, so the tests sign with `vm.sign` like
/// the real parties.
// solhint-disable-next-line max-states-count
abstract contract HejieTestBase is TestBase {
    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant ADMIN_PK = 0xAD;
    uint256 internal constant REGISTRAR_PK = 0x5E6;
    uint256 internal constant RESOLVER_PK = 0x5E5;
    uint256 internal constant BORROWER_PK = 0xB0;
    uint256 internal constant PLATFORM_PK = 0xF1;
    uint256 internal constant ORACLE_PK = 0x0C;
    uint256 internal constant LAWYER_PK = 0x1A;
    uint256 internal constant COMMITTEE_PK = 0xC0;
    uint256 internal constant OTHER_BORROWER_PK = 0xB1;
    uint256 internal constant OTHER_PLATFORM_PK = 0xF2;
    uint256 internal constant OTHER_ORACLE_PK = 0x0D;
    uint256 internal constant OTHER_LAWYER_PK = 0x1B;
    /// @dev Never registered anywhere.
    uint256 internal constant STRANGER_PK = 0x5A;

    uint256 internal constant DAY = 1 days;
    /// @dev 2027-01-31 23:59:59 China Standard Time: a month-end first due date exercises clamping.
    uint40 internal constant FIRST_DUE = 1_801_411_199;
    /// @dev Where every test starts: 30 days before the first due date.
    uint40 internal constant START = FIRST_DUE - 30 days;
    uint32 internal constant GRACE = 5 days;
    uint32 internal constant CURE = 30 days;
    uint32 internal constant CONTEST_WINDOW = 14 days;

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    IAccessManager internal manager;
    IHejieRegistry internal registry;
    IEvidenceRegistry internal evidence;

    address internal admin;
    address internal registrar;
    address internal resolver;
    address internal borrower;
    address internal platform;
    address internal oracle;
    address internal lawyer;
    address internal committee;
    address internal otherBorrower;
    address internal otherPlatform;
    address internal otherOracle;
    address internal otherLawyer;
    address internal stranger;

    uint32 internal borrowerId;
    uint32 internal platformId;
    uint32 internal lawyerId;
    uint32 internal committeeId;
    uint32 internal otherBorrowerId;
    uint32 internal otherPlatformId;
    uint32 internal otherLawyerId;

    /// @dev Makes every case id (and document hash) unique.
    uint256 private _caseCounter;

    /*//////////////////////////////////////////////////////////////
                                 SET-UP
    //////////////////////////////////////////////////////////////*/

    function setUp() public virtual {
        vm.warp(START);
        admin = _labelled(ADMIN_PK, "admin");
        registrar = _labelled(REGISTRAR_PK, "registrar");
        resolver = _labelled(RESOLVER_PK, "resolver");
        borrower = _labelled(BORROWER_PK, "borrower");
        platform = _labelled(PLATFORM_PK, "platform");
        oracle = _labelled(ORACLE_PK, "oracle");
        lawyer = _labelled(LAWYER_PK, "lawyer");
        committee = _labelled(COMMITTEE_PK, "committee");
        otherBorrower = _labelled(OTHER_BORROWER_PK, "otherBorrower");
        otherPlatform = _labelled(OTHER_PLATFORM_PK, "otherPlatform");
        otherOracle = _labelled(OTHER_ORACLE_PK, "otherOracle");
        otherLawyer = _labelled(OTHER_LAWYER_PK, "otherLawyer");
        stranger = _labelled(STRANGER_PK, "stranger");

        _deploy();
        _admitParties();
    }

    /// @dev The Ignition module `deploy/modules/Hejie.ts` with `deploy/permissions.ts`, step by step.
    function _deploy() internal {
        manager = IAccessManager(_deployArtifact("AccessManager", abi.encode(admin)));
        registry = IHejieRegistry(_deployArtifact("HejieRegistry", abi.encode(manager)));
        evidence = IEvidenceRegistry(_deployArtifact("EvidenceRegistry", abi.encode(manager)));
        vm.label(address(manager), "AccessManager");
        vm.label(address(registry), "HejieRegistry");
        vm.label(address(evidence), "EvidenceRegistry");

        vm.startPrank(admin);
        manager.labelRole(Roles.REGISTRAR, "REGISTRAR");
        manager.labelRole(Roles.PLATFORM, "PLATFORM");
        manager.labelRole(Roles.LAWYER, "LAWYER");
        manager.labelRole(Roles.ORACLE, "ORACLE");
        manager.labelRole(Roles.COMMITTEE, "COMMITTEE");
        manager.labelRole(Roles.REGULATOR, "REGULATOR");
        manager.labelRole(Roles.ANCHORER, "ANCHORER");
        manager.labelRole(Roles.RESOLVER, "RESOLVER");
        manager.labelRole(Roles.MEMBER_REGISTRY, "MEMBER_REGISTRY");

        manager.grantRole(Roles.MEMBER_REGISTRY, address(registry), 0);
        manager.setRoleAdmin(Roles.PLATFORM, Roles.MEMBER_REGISTRY);
        manager.setRoleAdmin(Roles.LAWYER, Roles.MEMBER_REGISTRY);
        manager.setRoleAdmin(Roles.ORACLE, Roles.MEMBER_REGISTRY);
        manager.setRoleAdmin(Roles.COMMITTEE, Roles.MEMBER_REGISTRY);
        manager.setRoleAdmin(Roles.REGULATOR, Roles.MEMBER_REGISTRY);
        manager.setRoleAdmin(Roles.ANCHORER, Roles.MEMBER_REGISTRY);

        // The selectors come from the canonical signatures of `deploy/permissions.ts`, so a signature
        // that drifted from the ABI leaves its function at ADMIN only and the tests below fail.
        bytes4[] memory registrarFunctions = new bytes4[](6);
        registrarFunctions[0] = bytes4(keccak256("admitMember(uint8,uint8,bytes32,address)"));
        registrarFunctions[1] = bytes4(keccak256("addKey(uint32,address,uint64)"));
        registrarFunctions[2] = bytes4(keccak256("revokeKey(address)"));
        registrarFunctions[3] = bytes4(keccak256("suspendAccount(uint32)"));
        registrarFunctions[4] = bytes4(keccak256("reinstateAccount(uint32)"));
        registrarFunctions[5] = bytes4(keccak256("bindBorrower(address,bytes32)"));
        manager.setTargetFunctionRole(address(registry), registrarFunctions, Roles.REGISTRAR);
        manager.setTargetFunctionRole(address(registry), _one("bindCustomer(address,bytes32)"), Roles.PLATFORM);
        manager.setTargetFunctionRole(address(registry), _one("transition(bytes32,uint8,bytes32)"), Roles.RESOLVER);
        manager.setTargetFunctionRole(address(evidence), _one("anchor(bytes32,bytes32,uint8,uint32)"), Roles.ANCHORER);

        manager.grantRole(Roles.REGISTRAR, registrar, 0);
        // RESOLVER is granted by ADMIN once the committee's executor exists (deploy/modules/Hejie.ts).
        manager.grantRole(Roles.RESOLVER, resolver, 0);
        vm.stopPrank();
    }

    function _admitParties() internal {
        vm.startPrank(registrar);
        platformId = registry.admitMember(AccountKind.Platform, Licence.Unlicensed, commitmentOf("platform"), platform);
        registry.addKey(platformId, oracle, Roles.ORACLE);
        lawyerId = registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("lawyer"), lawyer);
        committeeId = registry.admitMember(
            AccountKind.CommitteeMember,
            Licence.None,
            commitmentOf("committee"),
            committee
        );
        borrowerId = registry.bindBorrower(borrower, commitmentOf("borrower"));
        otherPlatformId = registry.admitMember(
            AccountKind.Platform,
            Licence.ConsumerFinance,
            commitmentOf("otherPlatform"),
            otherPlatform
        );
        registry.addKey(otherPlatformId, otherOracle, Roles.ORACLE);
        otherLawyerId = registry.admitMember(
            AccountKind.Lawyer,
            Licence.None,
            commitmentOf("otherLawyer"),
            otherLawyer
        );
        otherBorrowerId = registry.bindBorrower(otherBorrower, commitmentOf("otherBorrower"));
        vm.stopPrank();
    }

    /// @dev Deploys a compiled contract of the project (its production artifact, libraries linked).
    function _deployArtifact(string memory name, bytes memory constructorArgs) internal returns (address deployed) {
        bytes memory code = bytes.concat(vm.getCode(name), constructorArgs);
        assembly ("memory-safe") {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        assertTrue(deployed != address(0), "deployment failed");
    }

    /// @dev A `threshold`-of-n MultisigWallet (contracts/test-fixtures) owned by `owners`.
    function _deployMultisig(address[] memory owners, uint256 threshold) internal returns (IMultisigWallet) {
        return IMultisigWallet(_deployArtifact("MultisigWallet", abi.encode(owners, threshold)));
    }

    /*//////////////////////////////////////////////////////////////
                                 BUILDERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A salted identity commitment (never personal data).
    function commitmentOf(string memory who) internal pure returns (bytes32) {
        return keccak256(abi.encode("identity-commitment", who));
    }

    /// @dev Terms between the fixture's parties for `settledAmount`, signed at each key's current nonce,
    /// valid for 30 days.
    function _terms(uint256 settledAmount) internal returns (SettlementTerms memory t) {
        ++_caseCounter;
        t.caseId = keccak256(abi.encode("case", _caseCounter));
        t.borrower = borrower;
        t.platform = platform;
        t.lawyer = lawyer;
        t.documentHash = keccak256(abi.encode("document", _caseCounter));
        t.currency = "CNY";
        t.originalPrincipal = 1_000_000;
        t.loanFormedAt = FIRST_DUE - 400 days;
        t.settledAmount = uint64(settledAmount);
        t.gracePeriod = GRACE;
        t.curePeriod = CURE;
        t.contestWindow = CONTEST_WINDOW;
        t.amends = bytes32(0);
        t.borrowerNonce = registry.getKey(borrower).nonce;
        t.platformNonce = registry.getKey(platform).nonce;
        t.lawyerNonce = registry.getKey(lawyer).nonce;
        t.deadline = uint40(_now() + 30 days);
    }

    function _plan(
        uint40 firstDueAt,
        uint16 count,
        uint64 amount,
        uint64 lastAmount
    ) internal pure returns (MonthlyPlan memory) {
        return MonthlyPlan({firstDueAt: firstDueAt, count: count, amount: amount, lastAmount: lastAmount});
    }

    function _planTotal(MonthlyPlan memory plan) internal pure returns (uint256) {
        return uint256(plan.amount) * (plan.count - 1) + plan.lastAmount;
    }

    /// @dev The instalments a monthly plan stands for (what the parties sign).
    function _instalmentsOf(MonthlyPlan memory plan) internal pure returns (Instalment[] memory list) {
        list = new Instalment[](plan.count);
        uint256 first = CalendarMonths.encode(plan.firstDueAt);
        for (uint256 k = 0; k < plan.count; ++k) {
            list[k] = Instalment({
                dueAt: uint40(CalendarMonths.dueAt(first, k)),
                amount: k + 1 == plan.count ? plan.lastAmount : plan.amount
            });
        }
    }

    /// @dev Twelve monthly instalments of 1,000.00 yuan from FIRST_DUE.
    function _defaultPlan() internal pure returns (MonthlyPlan memory) {
        return _plan(FIRST_DUE, 12, 100_000, 100_000);
    }

    /// @dev `count` instalments of `amount` every `gapDays` days from FIRST_DUE.
    function _evenSchedule(
        uint256 count,
        uint64 amount,
        uint256 gapDays
    ) internal pure returns (Instalment[] memory list) {
        list = new Instalment[](count);
        for (uint256 i = 0; i < count; ++i) {
            list[i] = Instalment({dueAt: uint40(FIRST_DUE + i * gapDays * DAY), amount: amount});
        }
    }

    function _sum(Instalment[] memory list) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < list.length; ++i) total += list[i].amount;
    }

    /*//////////////////////////////////////////////////////////////
                                SIGNATURES
    //////////////////////////////////////////////////////////////*/

    /// @dev A 65-byte signature (r ‖ s ‖ v), as wallets produce.
    function _sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The three parties' signatures of `id`.
    function _signatures(bytes32 id) internal pure returns (bytes memory, bytes memory, bytes memory) {
        return (_sign(BORROWER_PK, id), _sign(PLATFORM_PK, id), _sign(LAWYER_PK, id));
    }

    /*//////////////////////////////////////////////////////////////
                               REGISTRATION
    //////////////////////////////////////////////////////////////*/

    function _register(SettlementTerms memory terms, Instalment[] memory list) internal returns (bytes32 id) {
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(registry.settlementId(terms, list));
        id = registry.register(terms, list, sigB, sigP, sigL);
    }

    function _registerMonthly(SettlementTerms memory terms, MonthlyPlan memory plan) internal returns (bytes32 id) {
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(
            registry.settlementId(terms, _instalmentsOf(plan))
        );
        id = registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    /// @dev Registers the default twelve-month plan and returns its id and terms.
    function _registerDefault() internal returns (bytes32 id, SettlementTerms memory terms) {
        MonthlyPlan memory plan = _defaultPlan();
        terms = _terms(_planTotal(plan));
        id = _registerMonthly(terms, plan);
    }

    /// @dev Registers an explicit schedule of three instalments (100, 200, 300) ten days apart.
    function _registerExplicit() internal returns (bytes32 id, Instalment[] memory list) {
        list = new Instalment[](3);
        list[0] = Instalment({dueAt: FIRST_DUE, amount: 100});
        list[1] = Instalment({dueAt: FIRST_DUE + 10 days, amount: 200});
        list[2] = Instalment({dueAt: FIRST_DUE + 20 days, amount: 300});
        id = _register(_terms(600), list);
    }

    /*//////////////////////////////////////////////////////////////
                                 PAYMENTS
    //////////////////////////////////////////////////////////////*/

    function _report(
        bytes32 id,
        uint32 sequence,
        uint64 amount,
        uint40 paidAt
    ) internal pure returns (PaymentReport memory) {
        return
            PaymentReport({
                settlementId: id,
                sequence: sequence,
                amount: amount,
                paidAt: paidAt,
                bankReference: keccak256(abi.encode("bank-reference", id, sequence))
            });
    }

    /// @dev An oracle's compact (ERC-2098) signature of `report`.
    function _signReport(
        uint256 privateKey,
        PaymentReport memory report
    ) internal view returns (OracleSignature memory) {
        (bytes32 r, bytes32 vs) = vm.signCompact(privateKey, registry.paymentReportDigest(report));
        return OracleSignature({r: r, vs: vs});
    }

    /// @dev Records the next report of `id`, paid now, signed by the fixture's oracle.
    function _pay(bytes32 id, uint64 amount) internal returns (PaymentReport memory report) {
        report = _report(id, _ledger(id).reportCount, amount, uint40(_now()));
        registry.recordPayment(report, _signReport(ORACLE_PK, report));
    }

    /// @dev As `_pay`, with the paid-at time given.
    function _payAt(bytes32 id, uint64 amount, uint40 paidAt) internal returns (PaymentReport memory report) {
        report = _report(id, _ledger(id).reportCount, amount, paidAt);
        registry.recordPayment(report, _signReport(ORACLE_PK, report));
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    function _ledger(bytes32 id) internal view returns (Ledger memory ledger) {
        (ledger, ) = registry.getSettlement(id);
    }

    function _profile(bytes32 id) internal view returns (Profile memory profile) {
        (, profile) = registry.getSettlement(id);
    }

    function _status(bytes32 id) internal view returns (Status) {
        return _ledger(id).status;
    }

    function _compliance(bytes32 id) internal view returns (Compliance memory) {
        return registry.compliance(id);
    }

    function _views(bytes32 id) internal view returns (InstalmentView[] memory) {
        return registry.getInstalments(id);
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves the agreement to Disputed as the RESOLVER.
    function _dispute(bytes32 id) internal {
        vm.prank(resolver);
        registry.transition(id, Status.Disputed, keccak256("resolution: dispute"));
    }

    function _resolve(bytes32 id, Status to) internal {
        vm.prank(resolver);
        registry.transition(id, to, keccak256(abi.encode("resolution", to)));
    }

    function _labelled(uint256 privateKey, string memory name) internal returns (address who) {
        who = vm.addr(privateKey);
        vm.label(who, name);
    }

    function _one(string memory signature) private pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](1);
        selectors[0] = bytes4(keccak256(bytes(signature)));
    }
}
