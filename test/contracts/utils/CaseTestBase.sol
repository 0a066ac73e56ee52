// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../../../contracts/interfaces/ICaseRegistry.sol";
import {Roles} from "../../../contracts/libraries/Roles.sol";
import {
    Case,
    CaseStatus,
    Creditor,
    Deadline,
    Dispute,
    DisputeSubject,
    Rulebook,
    Standstill,
    Vote
} from "../../../contracts/types/CaseTypes.sol";
import {AccountKind, Licence} from "../../../contracts/types/MemberTypes.sol";
import {MonthlyPlan, SettlementTerms} from "../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "./HejieTestBase.sol";
import {ICaseRegistryDeployed} from "./Interfaces.sol";

/// @title CaseTestBase
/// @notice The Hejie fixture plus the CaseRegistry, wired as `deploy/modules/Hejie.ts` wires it
/// (LAWYER may open cases; COMMITTEE sets rulebooks and appoints panels; the CaseRegistry holds
/// RESOLVER), a neutral mediator, three more committee members, and two rulebooks:
/// - SIMPLE (one creditor): late actions are recorded as late;
/// - MULTI (up to four creditors): late mediation and confirmation are refused, a late response is
///   recorded.
/// Helpers open cases, register agreements with either platform and walk a case along its lifecycle.
// solhint-disable-next-line max-states-count
abstract contract CaseTestBase is HejieTestBase {
    uint256 internal constant MEDIATOR_PK = 0x3ED;
    uint256 internal constant COMMITTEE2_PK = 0xC2;
    uint256 internal constant COMMITTEE3_PK = 0xC3;
    uint256 internal constant COMMITTEE4_PK = 0xC4;

    uint16 internal constant SIMPLE = 1;
    uint16 internal constant MULTI = 2;

    uint32 internal constant RESPONSE_TIME = 7 days;
    uint32 internal constant SIMPLE_MEDIATION = 30 days;
    uint32 internal constant MULTI_MEDIATION = 60 days;
    uint32 internal constant CONFIRMATION_WINDOW = 30 days;
    uint32 internal constant CONFIRMATION_REMINDER = 20 days;
    uint32 internal constant MIN_CURE = 15 days;
    uint32 internal constant VOTING_PERIOD = 14 days;
    /// @dev MULTI refuses late mediation and confirmation, records a late response.
    uint8 internal constant MULTI_LATE_REFUSED = uint8(
        (1 << uint8(Deadline.Mediation)) | (1 << uint8(Deadline.Confirmation))
    );

    bytes32 internal constant AGREEMENT_HASH = keccak256("signed mediation agreement");
    bytes32 internal constant APPLICATION_HASH = keccak256("joint application");
    bytes32 internal constant RULING_HASH = keccak256("court ruling");

    ICaseRegistryDeployed internal cases;

    address internal mediator;
    address internal committee2;
    address internal committee3;
    address internal committee4;
    uint32 internal mediatorId;
    uint32 internal committee2Id;
    uint32 internal committee3Id;
    uint32 internal committee4Id;

    uint256 private _caseNonce;

    function setUp() public virtual override {
        super.setUp();
        mediator = _labelled(MEDIATOR_PK, "mediator");
        committee2 = _labelled(COMMITTEE2_PK, "committee2");
        committee3 = _labelled(COMMITTEE3_PK, "committee3");
        committee4 = _labelled(COMMITTEE4_PK, "committee4");
        _deployCases();
        vm.startPrank(registrar);
        mediatorId = registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("mediator"), mediator);
        committee2Id = _admitCommittee("committee2", committee2);
        committee3Id = _admitCommittee("committee3", committee3);
        committee4Id = _admitCommittee("committee4", committee4);
        vm.stopPrank();
        vm.startPrank(committee);
        cases.setRulebook(SIMPLE, _simpleRules());
        cases.setRulebook(MULTI, _multiRules());
        vm.stopPrank();
    }

    function _admitCommittee(string memory name, address key) private returns (uint32) {
        return registry.admitMember(AccountKind.CommitteeMember, Licence.None, commitmentOf(name), key);
    }

    /// @dev `deploy/modules/Hejie.ts` for the CaseRegistry, with `deploy/permissions.ts`'s selectors.
    function _deployCases() internal {
        cases = ICaseRegistryDeployed(_deployArtifact("CaseRegistry", abi.encode(manager, registry)));
        vm.label(address(cases), "CaseRegistry");
        vm.startPrank(admin);
        manager.setTargetFunctionRole(
            address(cases),
            _selectors("openCase(bytes32,uint16,uint32,uint32[],uint32)"),
            Roles.LAWYER
        );
        bytes4[] memory committeeFunctions = new bytes4[](2);
        committeeFunctions[0] = bytes4(
            keccak256("setRulebook(uint16,(uint32,uint32,uint32,uint32,uint32,uint32,uint8,uint8,uint8,uint8))")
        );
        committeeFunctions[1] = bytes4(keccak256("appointPanel(uint256,uint32[])"));
        manager.setTargetFunctionRole(address(cases), committeeFunctions, Roles.COMMITTEE);
        manager.grantRole(Roles.RESOLVER, address(cases), 0);
        vm.stopPrank();
    }

    function _selectors(string memory signature) internal pure returns (bytes4[] memory list) {
        list = new bytes4[](1);
        list[0] = bytes4(keccak256(bytes(signature)));
    }

    /*//////////////////////////////////////////////////////////////
                                RULEBOOKS
    //////////////////////////////////////////////////////////////*/

    function _simpleRules() internal pure returns (Rulebook memory r) {
        r.responseTime = RESPONSE_TIME;
        r.maxMediationDuration = SIMPLE_MEDIATION;
        r.confirmationWindow = CONFIRMATION_WINDOW;
        r.confirmationReminder = CONFIRMATION_REMINDER;
        r.minCurePeriod = MIN_CURE;
        r.votingPeriod = VOTING_PERIOD;
        r.panelSize = 3;
        r.quorum = 2;
        r.maxCreditors = 1;
        r.lateRefused = 0;
    }

    function _multiRules() internal pure returns (Rulebook memory r) {
        r = _simpleRules();
        r.maxMediationDuration = MULTI_MEDIATION;
        r.maxCreditors = 4;
        r.quorum = 3;
        r.lateRefused = MULTI_LATE_REFUSED;
    }

    /// @dev SIMPLE, refusing every late action.
    function _refusingRules() internal pure returns (Rulebook memory r) {
        r = _simpleRules();
        r.lateRefused = 7;
    }

    /*//////////////////////////////////////////////////////////////
                                 CASES
    //////////////////////////////////////////////////////////////*/

    function _newCaseId() internal returns (bytes32) {
        return keccak256(abi.encode("mediation case", ++_caseNonce));
    }

    function _ids(uint32 a) internal pure returns (uint32[] memory list) {
        list = new uint32[](1);
        list[0] = a;
    }

    function _ids(uint32 a, uint32 b) internal pure returns (uint32[] memory list) {
        list = new uint32[](2);
        list[0] = a;
        list[1] = b;
    }

    /// @dev Both fixture platforms, in increasing account order.
    function _bothCreditors() internal view returns (uint32[] memory) {
        return platformId < otherPlatformId ? _ids(platformId, otherPlatformId) : _ids(otherPlatformId, platformId);
    }

    /// @dev A simple case: the lawyer coordinates, the mediator mediates, the platform is the creditor.
    function _openSimple() internal returns (bytes32 caseId) {
        caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), mediatorId);
    }

    /// @dev A multi-creditor case with both platforms.
    function _openMulti() internal returns (bytes32 caseId) {
        caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, MULTI, borrowerId, _bothCreditors(), mediatorId);
    }

    function _case(bytes32 caseId) internal view returns (Case memory) {
        return cases.getCase(caseId);
    }

    function _caseStatus(bytes32 caseId) internal view returns (CaseStatus) {
        return cases.getCase(caseId).status;
    }

    /// @dev Registers the default monthly agreement between the borrower and `creditorKey` (the
    /// fixture's platform or other platform), with the fixture's lawyer.
    function _registerWith(address creditorKey, uint256 creditorPk) internal returns (bytes32 id) {
        MonthlyPlan memory plan = _defaultPlan();
        SettlementTerms memory terms = _terms(_planTotal(plan));
        terms.platform = creditorKey;
        terms.platformNonce = registry.getKey(creditorKey).nonce;
        id = registry.settlementId(terms, _instalmentsOf(plan));
        id = registry.registerMonthly(terms, plan, _sign(BORROWER_PK, id), _sign(creditorPk, id), _sign(LAWYER_PK, id));
    }

    function _addAgreement(bytes32 caseId, address creditorKey, uint256 creditorPk) internal returns (bytes32 id) {
        id = _registerWith(creditorKey, creditorPk);
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }

    /// @dev A standstill of `creditorKey` for the case, until `endsAt`, signed with `pk`.
    function _standstill(
        bytes32 caseId,
        address creditorKey,
        uint40 endsAt
    ) internal view returns (Standstill memory s) {
        s = Standstill({
            caseId: caseId,
            creditor: creditorKey,
            borrowerId: borrowerId,
            endsAt: endsAt,
            nonce: registry.getKey(creditorKey).nonce,
            deadline: uint40(_now() + 7 days)
        });
    }

    function _recordStandstill(bytes32 caseId, address creditorKey, uint256 pk, uint40 endsAt) internal {
        Standstill memory s = _standstill(caseId, creditorKey, endsAt);
        bytes memory signature = _sign(pk, cases.standstillDigest(s));
        cases.recordStandstill(s, signature);
    }

    /// @dev Simple case walked to InMediation with one agreement: returns the case and the agreement.
    function _simpleInMediation() internal returns (bytes32 caseId, bytes32 id) {
        caseId = _openSimple();
        id = _addAgreement(caseId, platform, PLATFORM_PK);
        vm.prank(mediator);
        cases.startMediation(caseId);
    }

    /// @dev Simple case walked to Effective.
    function _simpleEffective() internal returns (bytes32 caseId, bytes32 id) {
        (caseId, id) = _simpleInMediation();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
    }

    /// @dev Simple case walked to ConfirmationApplied.
    function _simpleApplied() internal returns (bytes32 caseId, bytes32 id) {
        (caseId, id) = _simpleEffective();
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
    }

    /*//////////////////////////////////////////////////////////////
                                DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @dev The three panel members of the fixture (committee, committee2, committee3), sorted by id.
    function _panel() internal view returns (uint32[] memory list) {
        list = new uint32[](3);
        list[0] = committeeId;
        list[1] = committee2Id;
        list[2] = committee3Id;
        // Admitted in that order: ids increase.
    }

    function _openDispute(bytes32 caseId, bytes32 id, DisputeSubject subject) internal returns (uint256 disputeId) {
        vm.prank(borrower);
        disputeId = cases.openDispute(caseId, id, subject, 0, keccak256("clause 7"), keccak256("evidence root"));
    }

    function _appoint(uint256 disputeId) internal {
        vm.prank(committee4); // any committee member may appoint, on the panel or not
        cases.appointPanel(disputeId, _panel());
    }

    function _vote(address member, uint256 disputeId, Vote vote) internal {
        vm.prank(member);
        cases.castVote(disputeId, vote, keccak256(abi.encode("opinion", member, vote)));
    }

    function _dispute(uint256 disputeId) internal view returns (Dispute memory) {
        return cases.getDispute(disputeId);
    }

    function _creditor(bytes32 caseId, uint32 creditorId) internal view returns (Creditor memory) {
        return cases.getCreditor(caseId, creditorId);
    }

    function _expectTransitionRefused(bytes32 caseId, CaseStatus from, CaseStatus to) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryTransitionNotAllowed.selector, caseId, from, to)
        );
    }
}
