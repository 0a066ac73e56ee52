// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ICaseRegistry} from "../../../../contracts/interfaces/ICaseRegistry.sol";
import {CaseStatus, Rulebook} from "../../../../contracts/types/CaseTypes.sol";
import {AccountKind} from "../../../../contracts/types/MemberTypes.sol";
import {MonthlyPlan, SettlementTerms, Status} from "../../../../contracts/types/SettlementTypes.sol";
import {CaseTestBase} from "../../utils/CaseTestBase.sol";

/// @notice Rulebooks (COMMITTEE only, validated, copied into each case), declared roles (a creditor's
/// counsel can never be the mediator) and the agreements a case groups.
contract PartiesTest is CaseTestBase {
    /*//////////////////////////////////////////////////////////////
                               RULEBOOKS
    //////////////////////////////////////////////////////////////*/

    function test_setRulebook() public {
        Rulebook memory rules = _multiRules();
        rules.maxMediationDuration = 90 days;
        vm.expectEmit(address(cases));
        emit ICaseRegistry.RulebookSet(7, rules);
        vm.prank(committee2);
        cases.setRulebook(7, rules);
        assertEq(cases.getRulebook(7).maxMediationDuration, 90 days, "stored");
    }

    function test_setRulebook_LaterCasesOnly() public {
        bytes32 before = _openSimple();
        Rulebook memory rules = _simpleRules();
        rules.responseTime = 1 days;
        vm.prank(committee);
        cases.setRulebook(SIMPLE, rules);
        bytes32 afterwards = _openSimple();
        assertEq(_case(before).rules.responseTime, RESPONSE_TIME, "a running case keeps its rules");
        assertEq(_case(afterwards).rules.responseTime, 1 days, "a new case takes the new rules");
    }

    function test_RevertWhen_SetRulebookNotCommittee() public {
        address[4] memory callers = [admin, registrar, lawyer, platform];
        Rulebook memory rules = _simpleRules();
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            cases.setRulebook(SIMPLE, rules);
        }
    }

    function test_RevertWhen_SetRulebookInvalid() public {
        for (uint256 kind = 0; kind < 13; ++kind) {
            Rulebook memory rules = _simpleRules();
            uint16 caseType = SIMPLE;
            if (kind == 0) rules.responseTime = 0;
            else if (kind == 1) rules.maxMediationDuration = 0;
            else if (kind == 2) rules.confirmationReminder = 0;
            else if (kind == 3)
                rules.confirmationReminder = rules.confirmationWindow; // not before the due time
            else if (kind == 4) rules.votingPeriod = 0;
            else if (kind == 5) rules.panelSize = 0;
            else if (kind == 6)
                rules.panelSize = 16; // MAX_PANEL_SIZE is 15
            else if (kind == 7) rules.quorum = 0;
            else if (kind == 8) rules.quorum = rules.panelSize + 1;
            else if (kind == 9) rules.maxCreditors = 0;
            else if (kind == 10)
                rules.maxCreditors = 17; // MAX_CREDITORS is 16
            else if (kind == 11)
                rules.lateRefused = 8; // no fourth deadline
            else caseType = 0; // case type 0 is reserved
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryInvalidRulebook.selector, caseType));
            vm.prank(committee);
            cases.setRulebook(caseType, rules);
        }
    }

    function test_setRulebook_Limits() public {
        Rulebook memory rules = _simpleRules();
        rules.panelSize = 15;
        rules.quorum = 15;
        rules.maxCreditors = 16;
        rules.lateRefused = 7;
        vm.prank(committee);
        cases.setRulebook(5, rules);
        assertEq(cases.MAX_PANEL_SIZE(), 15, "MAX_PANEL_SIZE");
        assertEq(cases.MAX_CREDITORS(), 16, "MAX_CREDITORS");
        assertEq(cases.hejieRegistry(), address(registry), "hejieRegistry");
    }

    /*//////////////////////////////////////////////////////////////
                        COUNSEL AND ROLE CONFLICT
    //////////////////////////////////////////////////////////////*/

    function test_declareCounsel() public {
        bytes32 caseId = _openSimple();
        vm.expectEmit(address(cases));
        emit ICaseRegistry.CounselDeclared(caseId, platformId, otherLawyerId);
        vm.prank(platform);
        cases.declareCounsel(caseId, otherLawyerId);
        assertEq(_creditor(caseId, platformId).counselId, otherLawyerId, "counsel");
    }

    function test_RevertWhen_CounselIsMediator() public {
        bytes32 caseId = _openSimple();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryRoleConflict.selector, caseId, mediatorId));
        vm.prank(platform);
        cases.declareCounsel(caseId, mediatorId);
    }

    function test_RevertWhen_CounselIsCoordinatorWhoMediates() public {
        // The coordinator mediates its own case: no creditor may then name it as counsel.
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), lawyerId);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryRoleConflict.selector, caseId, lawyerId));
        vm.prank(platform);
        cases.declareCounsel(caseId, lawyerId);
    }

    function test_RevertWhen_CounselNotCreditor() public {
        bytes32 caseId = _openSimple();
        address[4] memory callers = [otherPlatform, oracle, lawyer, borrower];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCreditor.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.declareCounsel(caseId, otherLawyerId);
        }
    }

    function test_RevertWhen_CounselNotLawyer() public {
        bytes32 caseId = _openSimple();
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryWrongAccount.selector, committeeId, AccountKind.Lawyer)
        );
        vm.prank(platform);
        cases.declareCounsel(caseId, committeeId);
    }

    function test_RevertWhen_CounselAfterSigning() public {
        (bytes32 caseId, ) = _simpleInMediation();
        vm.prank(platform);
        cases.declareCounsel(caseId, otherLawyerId); // still allowed in mediation
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseEnded.selector, caseId, CaseStatus.AgreementSigned)
        );
        vm.prank(platform);
        cases.declareCounsel(caseId, otherLawyerId);
    }

    /*//////////////////////////////////////////////////////////////
                               AGREEMENTS
    //////////////////////////////////////////////////////////////*/

    function test_addAgreement() public {
        bytes32 caseId = _openSimple();
        bytes32 id = _registerWith(platform, PLATFORM_PK);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.AgreementAdded(caseId, id, platformId);
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
        assertEq(cases.caseOf(id), caseId, "caseOf");
        assertEq(cases.getAgreements(caseId)[0], id, "listed");
        assertEq(_creditor(caseId, platformId).agreementCount, 1, "counted");
    }

    function test_RevertWhen_AddAgreementNotCoordinator() public {
        bytes32 caseId = _openSimple();
        bytes32 id = _registerWith(platform, PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCoordinator.selector, caseId, mediator));
        vm.prank(mediator);
        cases.addAgreement(caseId, id);
    }

    function test_RevertWhen_AddAgreementTwice() public {
        bytes32 caseId = _openSimple();
        bytes32 id = _addAgreement(caseId, platform, PLATFORM_PK);
        bytes32 other = _openSimple();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementInCase.selector, id, caseId));
        vm.prank(lawyer);
        cases.addAgreement(other, id);
    }

    function test_RevertWhen_AddAgreementOtherCreditor() public {
        bytes32 caseId = _openSimple(); // the platform only
        bytes32 id = _registerWith(otherPlatform, OTHER_PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementPartiesDiffer.selector, caseId, id));
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }

    function test_RevertWhen_AddAgreementOtherBorrower() public {
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, otherBorrowerId, _ids(platformId), mediatorId);
        bytes32 id = _registerWith(platform, PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementPartiesDiffer.selector, caseId, id));
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }

    function test_RevertWhen_AddAgreementNotActive() public {
        bytes32 caseId = _openSimple();
        bytes32 unknown = keccak256("never registered");
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementNotActive.selector, unknown, Status.None)
        );
        vm.prank(lawyer);
        cases.addAgreement(caseId, unknown);
        bytes32 id = _registerWith(platform, PLATFORM_PK);
        _resolve(id, Status.Terminated);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementNotActive.selector, id, Status.Terminated)
        );
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }

    function test_RevertWhen_AddAgreementCurePeriodTooShort() public {
        bytes32 caseId = _openMulti(); // MULTI: minimum cure 15 days
        MonthlyPlan memory plan = _defaultPlan();
        SettlementTerms memory terms = _terms(_planTotal(plan));
        terms.curePeriod = 10 days;
        bytes32 id = _registerMonthly(terms, plan);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryCurePeriodTooShort.selector, id, uint32(10 days), MIN_CURE)
        );
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }

    function test_RevertWhen_AddAgreementAfterSigning() public {
        (bytes32 caseId, ) = _simpleInMediation();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        bytes32 id = _registerWith(platform, PLATFORM_PK);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseEnded.selector, caseId, CaseStatus.AgreementSigned)
        );
        vm.prank(lawyer);
        cases.addAgreement(caseId, id);
    }
}
