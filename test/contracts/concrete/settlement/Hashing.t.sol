// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Instalment, MonthlyPlan, PaymentReport, SettlementTerms} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";
import {IHejieRegistry} from "../../utils/Interfaces.sol";

/// @notice The EIP-712 digests, rebuilt here from the type strings (independently of
/// `SettlementHashing`), equal the registry's ids and report digests; every signed field counts.
contract HashingTest is HejieTestBase {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant INSTALMENT_TYPEHASH = keccak256("Instalment(uint40 dueAt,uint64 amount)");
    bytes32 internal constant SETTLEMENT_TYPEHASH = keccak256(
        "Settlement(bytes32 caseId,address borrower,address platform,address lawyer,bytes32 documentHash,"
        "string currency,uint64 originalPrincipal,uint40 loanFormedAt,uint64 settledAmount,"
        "Instalment[] instalments,uint32 gracePeriod,uint32 curePeriod,uint32 contestWindow,bytes32 amends,"
        "uint32 borrowerNonce,uint32 platformNonce,uint32 lawyerNonce,uint40 deadline)"
        "Instalment(uint40 dueAt,uint64 amount)"
    );
    bytes32 internal constant PAYMENT_REPORT_TYPEHASH = keccak256(
        "PaymentReport(bytes32 settlementId,uint32 sequence,uint64 amount,uint40 paidAt,bytes32 bankReference)"
    );

    function _domainSeparator(address verifyingContract) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256("Hejie Registry"),
                    keccak256("1"),
                    block.chainid,
                    verifyingContract
                )
            );
    }

    function _instalmentsHash(Instalment[] memory list) internal pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            hashes[i] = keccak256(abi.encode(INSTALMENT_TYPEHASH, list[i].dueAt, list[i].amount));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _structHash(SettlementTerms memory t, Instalment[] memory list) internal pure returns (bytes32) {
        bytes memory head = abi.encode(
            SETTLEMENT_TYPEHASH,
            t.caseId,
            t.borrower,
            t.platform,
            t.lawyer,
            t.documentHash,
            keccak256(bytes(t.currency)),
            t.originalPrincipal,
            t.loanFormedAt,
            t.settledAmount,
            _instalmentsHash(list)
        );
        bytes memory tail = abi.encode(
            t.gracePeriod,
            t.curePeriod,
            t.contestWindow,
            t.amends,
            t.borrowerNonce,
            t.platformNonce,
            t.lawyerNonce,
            t.deadline
        );
        return keccak256(bytes.concat(head, tail));
    }

    function _digest(bytes32 domainSeparator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    /*//////////////////////////////////////////////////////////////
                                 DIGESTS
    //////////////////////////////////////////////////////////////*/

    function test_Domain() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = registry.eip712Domain();
        assertEq(uint8(fields), 0x0f, "name, version, chainId, verifyingContract");
        assertEq(keccak256(bytes(name)), keccak256("Hejie Registry"), "name");
        assertEq(keccak256(bytes(version)), keccak256("1"), "version");
        assertEq(chainId, block.chainid, "chainId");
        assertEq(verifyingContract, address(registry), "verifyingContract");
        assertEq(salt, bytes32(0), "no salt");
        assertEq(extensions.length, 0, "no extensions");
    }

    function test_SettlementIdIsTheEip712Digest() public {
        MonthlyPlan memory plan = _defaultPlan();
        Instalment[] memory list = _instalmentsOf(plan);
        SettlementTerms memory terms = _terms(_planTotal(plan));
        terms.amends = keccak256("some earlier agreement");
        bytes32 expected = _digest(_domainSeparator(address(registry)), _structHash(terms, list));
        assertEq(registry.settlementId(terms, list), expected, "settlementId");

        // A signature over the digest built here registers: the registry verifies exactly this digest.
        terms.amends = bytes32(0);
        expected = _digest(_domainSeparator(address(registry)), _structHash(terms, list));
        bytes32 id = registry.registerMonthly(
            terms,
            plan,
            _sign(BORROWER_PK, expected),
            _sign(PLATFORM_PK, expected),
            _sign(LAWYER_PK, expected)
        );
        assertEq(id, expected, "registered id");
    }

    function test_SettlementIdOfExplicitSchedule() public {
        Instalment[] memory list = new Instalment[](3);
        list[0] = Instalment({dueAt: 1, amount: type(uint64).max});
        list[1] = Instalment({dueAt: type(uint40).max - 1, amount: 1});
        list[2] = Instalment({dueAt: type(uint40).max, amount: 2});
        SettlementTerms memory terms = _terms(0);
        terms.currency = unicode"人民币 — a longer currency string than one word";
        assertEq(
            registry.settlementId(terms, list),
            _digest(_domainSeparator(address(registry)), _structHash(terms, list)),
            "settlementId"
        );
        assertEq(
            registry.settlementId(terms, new Instalment[](0)),
            _digest(_domainSeparator(address(registry)), _structHash(terms, new Instalment[](0))),
            "empty schedule hashes as keccak256 of nothing"
        );
    }

    function test_PaymentReportDigest() public view {
        PaymentReport memory report = PaymentReport({
            settlementId: keccak256("agreement"),
            sequence: type(uint32).max,
            amount: type(uint64).max,
            paidAt: type(uint40).max,
            bankReference: keccak256("bank")
        });
        bytes32 structHash = keccak256(
            abi.encode(
                PAYMENT_REPORT_TYPEHASH,
                report.settlementId,
                report.sequence,
                report.amount,
                report.paidAt,
                report.bankReference
            )
        );
        assertEq(
            registry.paymentReportDigest(report),
            _digest(_domainSeparator(address(registry)), structHash),
            "paymentReportDigest"
        );
    }

    /*//////////////////////////////////////////////////////////////
                        WHAT THE DIGEST IS BOUND TO
    //////////////////////////////////////////////////////////////*/

    function test_DigestBoundToRegistryAndChain() public {
        MonthlyPlan memory plan = _defaultPlan();
        Instalment[] memory list = _instalmentsOf(plan);
        SettlementTerms memory terms = _terms(_planTotal(plan));
        bytes32 id = registry.settlementId(terms, list);

        IHejieRegistry twin = IHejieRegistry(_deployArtifact("HejieRegistry", abi.encode(manager)));
        assertNotEq(twin.settlementId(terms, list), id, "another deployment, another id");
        assertEq(
            twin.settlementId(terms, list),
            _digest(_domainSeparator(address(twin)), _structHash(terms, list)),
            "twin digest"
        );

        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes32 onOtherChain = registry.settlementId(terms, list);
        vm.chainId(chainId);
        assertNotEq(onOtherChain, id, "another chain, another id");
    }

    function test_EverySignedFieldChangesTheId() public {
        MonthlyPlan memory plan = _defaultPlan();
        Instalment[] memory list = _instalmentsOf(plan);
        SettlementTerms memory base = _terms(_planTotal(plan));
        bytes32 id = registry.settlementId(base, list);

        for (uint256 field = 0; field < 18; ++field) {
            SettlementTerms memory t = _copy(base);
            _mutate(t, field);
            assertNotEq(registry.settlementId(t, list), id, "field is signed");
        }

        Instalment[] memory changed = _instalmentsOf(plan);
        changed[5].dueAt += 1 days;
        assertNotEq(registry.settlementId(base, changed), id, "a due time is signed");
        changed = _instalmentsOf(plan);
        changed[11].amount -= 1;
        assertNotEq(registry.settlementId(base, changed), id, "an amount is signed");
        changed = _instalmentsOf(plan);
        (changed[0], changed[1]) = (changed[1], changed[0]);
        assertNotEq(registry.settlementId(base, changed), id, "the order is signed");
        Instalment[] memory shorter = new Instalment[](11);
        for (uint256 i = 0; i < 11; ++i) shorter[i] = list[i];
        assertNotEq(registry.settlementId(base, shorter), id, "the count is signed");
    }

    function _copy(SettlementTerms memory t) internal pure returns (SettlementTerms memory c) {
        c = abi.decode(abi.encode(t), (SettlementTerms));
    }

    function _mutate(SettlementTerms memory t, uint256 field) internal pure {
        if (field == 0) t.caseId = bytes32(uint256(t.caseId) ^ 1);
        else if (field == 1) t.borrower = address(uint160(t.borrower) ^ 1);
        else if (field == 2) t.platform = address(uint160(t.platform) ^ 1);
        else if (field == 3) t.lawyer = address(uint160(t.lawyer) ^ 1);
        else if (field == 4) t.documentHash = bytes32(uint256(t.documentHash) ^ 1);
        else if (field == 5) t.currency = "CNH";
        else if (field == 6) t.originalPrincipal += 1;
        else if (field == 7) t.loanFormedAt += 1;
        else if (field == 8) t.settledAmount += 1;
        else if (field == 9) t.gracePeriod += 1;
        else if (field == 10) t.curePeriod += 1;
        else if (field == 11) t.contestWindow += 1;
        else if (field == 12) t.amends = bytes32(uint256(1));
        else if (field == 13) t.borrowerNonce += 1;
        else if (field == 14) t.platformNonce += 1;
        else if (field == 15) t.lawyerNonce += 1;
        else if (field == 16) t.deadline += 1;
        else t.currency = "";
    }
}
