// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ICaseRegistry} from "../../../../contracts/interfaces/ICaseRegistry.sol";
import {
    Case,
    CaseDeadlines,
    CaseStatus,
    Deadline,
    DisputeSubject,
    Vote
} from "../../../../contracts/types/CaseTypes.sol";
import {Status} from "../../../../contracts/types/SettlementTypes.sol";
import {AccountKind} from "../../../../contracts/types/MemberTypes.sol";
import {CaseTestBase} from "../../utils/CaseTestBase.sol";

/// @notice The case lifecycle: every allowed transition by the party entitled to it, every other one
/// refused with its error, and the Response, Mediation and Confirmation deadlines (refused or
/// recorded as late, as the rulebook says).
contract CaseLifecycleTest is CaseTestBase {
    /*//////////////////////////////////////////////////////////////
                                  OPEN
    //////////////////////////////////////////////////////////////*/

    function test_openCase() public {
        bytes32 caseId = _newCaseId();
        vm.expectEmit(address(cases));
        emit ICaseRegistry.CaseOpened(caseId, MULTI, borrowerId, lawyerId, mediatorId, _bothCreditors());
        vm.expectEmit(address(cases));
        emit ICaseRegistry.CaseStatusChanged(caseId, CaseStatus.None, CaseStatus.Opened, bytes32(0));
        vm.prank(lawyer);
        cases.openCase(caseId, MULTI, borrowerId, _bothCreditors(), mediatorId);

        Case memory c = _case(caseId);
        assertTrue(c.status == CaseStatus.Opened, "Opened");
        assertEq(c.caseType, MULTI, "caseType");
        assertEq(c.borrowerId, borrowerId, "borrower");
        assertEq(c.coordinatorId, lawyerId, "coordinator");
        assertEq(c.mediatorId, mediatorId, "mediator");
        assertEq(c.creditorCount, 2, "creditorCount");
        assertEq(c.openedAt, _now(), "openedAt");
        assertEq(c.rules.maxMediationDuration, MULTI_MEDIATION, "rulebook copied");
        assertEq(cases.getCreditors(caseId).length, 2, "creditors");
        assertEq(_creditor(caseId, platformId).seat + _creditor(caseId, otherPlatformId).seat, 3, "seats 1 and 2");
    }

    function test_openCase_CoordinatorMayMediate() public {
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), lawyerId);
        vm.prank(lawyer);
        cases.startMediation(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.InMediation, "InMediation");
    }

    function test_RevertWhen_OpenCaseNotLawyer() public {
        address[3] memory callers = [platform, committee, borrower];
        for (uint256 i = 0; i < callers.length; ++i) {
            bytes32 caseId = _newCaseId();
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), mediatorId);
        }
    }

    function test_RevertWhen_OpenCaseZeroId() public {
        vm.expectRevert(ICaseRegistry.CaseRegistryZeroCaseId.selector);
        vm.prank(lawyer);
        cases.openCase(bytes32(0), SIMPLE, borrowerId, _ids(platformId), mediatorId);
    }

    function test_RevertWhen_OpenCaseTwice() public {
        bytes32 caseId = _openSimple();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseExists.selector, caseId));
        vm.prank(otherLawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), mediatorId);
    }

    function test_RevertWhen_OpenCaseUnknownType() public {
        bytes32 caseId = _newCaseId();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryUnknownCaseType.selector, uint16(9)));
        vm.prank(lawyer);
        cases.openCase(caseId, 9, borrowerId, _ids(platformId), mediatorId);
    }

    function test_RevertWhen_OpenCaseWrongAccounts() public {
        bytes32 caseId = _newCaseId();
        // The borrower must be a borrower account.
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryWrongAccount.selector, platformId, AccountKind.Borrower)
        );
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, platformId, _ids(platformId), mediatorId);
        // The mediator must be a lawyer.
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryWrongAccount.selector, committeeId, AccountKind.Lawyer)
        );
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(platformId), committeeId);
        // Creditors must be platforms.
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryWrongAccount.selector, lawyerId, AccountKind.Platform)
        );
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(lawyerId), mediatorId);
    }

    function test_RevertWhen_OpenCaseSuspendedCreditor() public {
        vm.prank(registrar);
        registry.suspendAccount(otherPlatformId);
        bytes32 caseId = _newCaseId();
        vm.expectRevert(
            abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryWrongAccount.selector,
                otherPlatformId,
                AccountKind.Platform
            )
        );
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, _ids(otherPlatformId), mediatorId);
    }

    function test_RevertWhen_OpenCaseCreditorCount() public {
        bytes32 caseId = _newCaseId();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCreditorCount.selector, 0, 1));
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, new uint32[](0), mediatorId);
        // A simple case takes one creditor.
        uint32[] memory both = _bothCreditors();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCreditorCount.selector, 2, 1));
        vm.prank(lawyer);
        cases.openCase(caseId, SIMPLE, borrowerId, both, mediatorId);
    }

    function test_RevertWhen_OpenCaseCreditorsNotSorted() public {
        bytes32 caseId = _newCaseId();
        uint32[] memory both = _bothCreditors();
        uint32[] memory reversed = _ids(both[1], both[0]);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCreditorsNotSorted.selector, 1));
        vm.prank(lawyer);
        cases.openCase(caseId, MULTI, borrowerId, reversed, mediatorId);
        uint32[] memory twice = _ids(platformId, platformId);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCreditorsNotSorted.selector, 1));
        vm.prank(lawyer);
        cases.openCase(caseId, MULTI, borrowerId, twice, mediatorId);
    }

    /*//////////////////////////////////////////////////////////////
                       ALLOWED TRANSITIONS, IN ORDER
    //////////////////////////////////////////////////////////////*/

    function test_FullPath_SimpleCase() public {
        bytes32 caseId = _openSimple();
        _addAgreement(caseId, platform, PLATFORM_PK);

        vm.expectEmit(address(cases));
        emit ICaseRegistry.CaseStatusChanged(caseId, CaseStatus.Opened, CaseStatus.InMediation, bytes32(0));
        vm.prank(mediator);
        cases.startMediation(caseId);

        vm.expectEmit(address(cases));
        emit ICaseRegistry.CaseStatusChanged(
            caseId,
            CaseStatus.InMediation,
            CaseStatus.AgreementSigned,
            AGREEMENT_HASH
        );
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);

        vm.prank(mediator);
        cases.signAsMediator(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Effective, "Effective");
        assertEq(_case(caseId).effectiveAt, _now(), "effectiveAt");

        vm.expectEmit(address(cases));
        emit ICaseRegistry.ConfirmationJoined(caseId, borrowerId, APPLICATION_HASH);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.Effective, "still Effective: the creditor has not joined");
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.ConfirmationApplied, "ConfirmationApplied");

        vm.prank(lawyer);
        cases.recordRuling(caseId, true, RULING_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.Confirmed, "Confirmed");
        vm.prank(lawyer);
        cases.closeCase(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Closed, "Closed");
        assertEq(_case(caseId).lateFlags, 0, "nothing late");
    }

    function test_recordRuling_Refused_ThenClosed() public {
        (bytes32 caseId, ) = _simpleApplied();
        vm.prank(lawyer);
        cases.recordRuling(caseId, false, RULING_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.ConfirmationRefused, "ConfirmationRefused");
        vm.prank(lawyer);
        cases.closeCase(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Closed, "Closed");
    }

    function test_closeCase_EffectiveAfterWindow() public {
        (bytes32 caseId, ) = _simpleEffective();
        uint256 dueAt = _now() + CONFIRMATION_WINDOW;
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryConfirmationWindowOpen.selector, caseId, dueAt)
        );
        vm.prank(lawyer);
        cases.closeCase(caseId);
        vm.warp(dueAt + 1);
        vm.prank(lawyer);
        cases.closeCase(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Closed, "Closed");
    }

    function test_declareMediationFailed_ByMediator_ThenLitigation() public {
        (bytes32 caseId, ) = _simpleInMediation();
        bytes32 reason = keccak256("platform refuses any reduction");
        vm.expectEmit(address(cases));
        emit ICaseRegistry.CaseStatusChanged(caseId, CaseStatus.InMediation, CaseStatus.MediationFailed, reason);
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, reason);
        assertEq(_case(caseId).standstillsLiftedAt, _now(), "standstills lifted");

        vm.prank(platform); // a creditor
        cases.referToLitigation(caseId, keccak256("filing"));
        assertTrue(_caseStatus(caseId) == CaseStatus.ReferredToLitigation, "ReferredToLitigation");
    }

    function test_declareMediationFailed_FromOpenedAndAgreementSigned() public {
        bytes32 caseId = _openSimple();
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        assertTrue(_caseStatus(caseId) == CaseStatus.MediationFailed, "from Opened");
        vm.prank(lawyer); // the coordinator may refer too
        cases.referToLitigation(caseId, keccak256("filing"));

        (caseId, ) = _simpleInMediation();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        assertTrue(_caseStatus(caseId) == CaseStatus.MediationFailed, "from AgreementSigned");
    }

    /*//////////////////////////////////////////////////////////////
                            WRONG CALLERS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_NotMediator() public {
        bytes32 caseId = _openSimple();
        address[4] memory callers = [lawyer, otherLawyer, platform, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.startMediation(caseId);
            // Before any deadline passed, only the mediator declares failure.
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.declareMediationFailed(caseId, bytes32(0));
        }
        (caseId, ) = _simpleInMediation();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, lawyer));
        vm.prank(lawyer);
        cases.signAsMediator(caseId);
    }

    function test_RevertWhen_MediatorKeyRevoked() public {
        bytes32 caseId = _openSimple();
        vm.prank(registrar);
        registry.revokeKey(mediator);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, mediator));
        vm.prank(mediator);
        cases.startMediation(caseId);
    }

    function test_RevertWhen_NotCoordinator() public {
        (bytes32 caseId, ) = _simpleInMediation();
        address[3] memory callers = [mediator, otherLawyer, platform];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCoordinator.selector, caseId, callers[i])
            );
            vm.prank(callers[i]);
            cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        }
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        vm.warp(_now() + CONFIRMATION_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCoordinator.selector, caseId, mediator));
        vm.prank(mediator);
        cases.closeCase(caseId);
    }

    function test_RevertWhen_RulingNotCoordinator() public {
        (bytes32 caseId, ) = _simpleApplied();
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCoordinator.selector, caseId, mediator));
        vm.prank(mediator);
        cases.recordRuling(caseId, true, RULING_HASH);
    }

    function test_RevertWhen_ApplicantNotParty() public {
        (bytes32 caseId, ) = _simpleEffective();
        address[4] memory callers = [lawyer, mediator, otherPlatform, oracle];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotParty.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.applyForConfirmation(caseId, APPLICATION_HASH);
        }
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryAlreadyJoined.selector, caseId, borrowerId));
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
    }

    function test_RevertWhen_ReferNotParty() public {
        bytes32 caseId = _openSimple();
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        address[3] memory callers = [mediator, otherPlatform, borrower];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotParty.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.referToLitigation(caseId, bytes32(0));
        }
    }

    function test_RevertWhen_CaseNotFound() public {
        bytes32 unknown = keccak256("no such case");
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseNotFound.selector, unknown));
        vm.prank(mediator);
        cases.startMediation(unknown);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseNotFound.selector, unknown));
        cases.deadlines(unknown);
    }

    /*//////////////////////////////////////////////////////////////
                         FORBIDDEN TRANSITIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev From every reachable status, every step but the allowed one is refused with the case's
    /// current status and the step's target.
    function _expectOnlyAllowed(bytes32 caseId, CaseStatus from) internal {
        if (from != CaseStatus.Opened) {
            _expectTransitionRefused(caseId, from, CaseStatus.InMediation);
            vm.prank(mediator);
            cases.startMediation(caseId);
        }
        if (from != CaseStatus.InMediation) {
            _expectTransitionRefused(caseId, from, CaseStatus.AgreementSigned);
            vm.prank(lawyer);
            cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        }
        if (from != CaseStatus.AgreementSigned) {
            _expectTransitionRefused(caseId, from, CaseStatus.Effective);
            vm.prank(mediator);
            cases.signAsMediator(caseId);
        }
        if (from != CaseStatus.Effective) {
            _expectTransitionRefused(caseId, from, CaseStatus.ConfirmationApplied);
            vm.prank(borrower);
            cases.applyForConfirmation(caseId, APPLICATION_HASH);
        }
        if (from != CaseStatus.ConfirmationApplied) {
            _expectTransitionRefused(caseId, from, CaseStatus.Confirmed);
            vm.prank(lawyer);
            cases.recordRuling(caseId, true, RULING_HASH);
            _expectTransitionRefused(caseId, from, CaseStatus.ConfirmationRefused);
            vm.prank(lawyer);
            cases.recordRuling(caseId, false, RULING_HASH);
        }
        if (from != CaseStatus.Confirmed && from != CaseStatus.ConfirmationRefused && from != CaseStatus.Effective) {
            _expectTransitionRefused(caseId, from, CaseStatus.Closed);
            vm.prank(lawyer);
            cases.closeCase(caseId);
        }
        if (from != CaseStatus.Opened && from != CaseStatus.InMediation && from != CaseStatus.AgreementSigned) {
            _expectTransitionRefused(caseId, from, CaseStatus.MediationFailed);
            vm.prank(mediator);
            cases.declareMediationFailed(caseId, bytes32(0));
        }
        if (from != CaseStatus.MediationFailed) {
            _expectTransitionRefused(caseId, from, CaseStatus.ReferredToLitigation);
            vm.prank(lawyer);
            cases.referToLitigation(caseId, bytes32(0));
        }
    }

    function test_RevertWhen_TransitionNotAllowed_EveryStatus() public {
        bytes32 caseId = _openSimple();
        _addAgreement(caseId, platform, PLATFORM_PK);
        _expectOnlyAllowed(caseId, CaseStatus.Opened);
        vm.prank(mediator);
        cases.startMediation(caseId);
        _expectOnlyAllowed(caseId, CaseStatus.InMediation);
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        _expectOnlyAllowed(caseId, CaseStatus.AgreementSigned);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        _expectOnlyAllowed(caseId, CaseStatus.Effective);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        _expectOnlyAllowed(caseId, CaseStatus.ConfirmationApplied);
        uint256 snapshot = vm.snapshotState();
        vm.prank(lawyer);
        cases.recordRuling(caseId, true, RULING_HASH);
        _expectOnlyAllowed(caseId, CaseStatus.Confirmed);
        vm.prank(lawyer);
        cases.closeCase(caseId);
        _expectOnlyAllowed(caseId, CaseStatus.Closed);
        vm.revertToState(snapshot);
        vm.prank(lawyer);
        cases.recordRuling(caseId, false, RULING_HASH);
        _expectOnlyAllowed(caseId, CaseStatus.ConfirmationRefused);
    }

    function test_RevertWhen_TransitionNotAllowed_FailedAndLitigation() public {
        bytes32 caseId = _openSimple();
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        _expectOnlyAllowed(caseId, CaseStatus.MediationFailed);
        vm.prank(lawyer);
        cases.referToLitigation(caseId, bytes32(0));
        _expectOnlyAllowed(caseId, CaseStatus.ReferredToLitigation);
    }

    function test_RevertWhen_PartiesSignedWithoutAgreement() public {
        bytes32 caseId = _openSimple();
        vm.prank(mediator);
        cases.startMediation(caseId);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementMissing.selector, caseId, platformId)
        );
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
    }

    function test_RevertWhen_MultiPartiesSignedWithoutStandstill() public {
        bytes32 caseId = _openMulti();
        _addAgreement(caseId, platform, PLATFORM_PK);
        _addAgreement(caseId, otherPlatform, OTHER_PLATFORM_PK);
        vm.prank(mediator);
        cases.startMediation(caseId);
        uint32 first = _bothCreditors()[0];
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryStandstillMissing.selector, caseId, first));
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
    }

    /*//////////////////////////////////////////////////////////////
                               DEADLINES
    //////////////////////////////////////////////////////////////*/

    function test_deadlines_View() public {
        bytes32 caseId = _openSimple();
        uint256 opened = _now();
        CaseDeadlines memory d = cases.deadlines(caseId);
        assertEq(d.responseDueAt, opened + RESPONSE_TIME, "responseDueAt");
        assertEq(d.mediationDueAt, 0, "mediation not started");
        assertEq(d.confirmationDueAt, 0, "not effective");
        _addAgreement(caseId, platform, PLATFORM_PK);
        vm.warp(opened + 1 days);
        vm.prank(mediator);
        cases.startMediation(caseId);
        d = cases.deadlines(caseId);
        assertEq(d.mediationDueAt, opened + 1 days + SIMPLE_MEDIATION, "mediationDueAt");
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.warp(opened + 3 days);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        d = cases.deadlines(caseId);
        assertEq(d.confirmationReminderAt, opened + 3 days + 20 days, "reminder on day 20");
        assertEq(d.confirmationDueAt, opened + 3 days + 30 days, "application within 30 days");
    }

    function test_startMediation_AtResponseDeadline_NotLate() public {
        bytes32 caseId = _openSimple();
        vm.warp(_now() + RESPONSE_TIME);
        vm.prank(mediator);
        cases.startMediation(caseId);
        assertEq(_case(caseId).lateFlags, 0, "on time at the very deadline");
    }

    function test_startMediation_LateRecorded() public {
        // SIMPLE and MULTI both record a late response.
        bytes32 caseId = _openMulti();
        uint40 dueAt = uint40(_now() + RESPONSE_TIME);
        vm.warp(dueAt + 1);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.LateActionRecorded(caseId, Deadline.Response, dueAt);
        vm.prank(mediator);
        cases.startMediation(caseId);
        assertEq(_case(caseId).lateFlags, 1 << uint8(Deadline.Response), "late response flagged");
        assertTrue(_caseStatus(caseId) == CaseStatus.InMediation, "InMediation");
    }

    function test_RevertWhen_ResponseLateAndRefused() public {
        vm.startPrank(committee);
        cases.setRulebook(3, _refusingRules());
        vm.stopPrank();
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, 3, borrowerId, _ids(platformId), mediatorId);
        uint256 dueAt = _now() + RESPONSE_TIME;
        vm.warp(dueAt + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryDeadlinePassed.selector, caseId, Deadline.Response, dueAt)
        );
        vm.prank(mediator);
        cases.startMediation(caseId);
        // The case cannot progress: anyone may declare it failed.
        vm.prank(stranger);
        cases.declareMediationFailed(caseId, bytes32(0));
        assertTrue(_caseStatus(caseId) == CaseStatus.MediationFailed, "MediationFailed");
    }

    function test_Mediation_LateRecorded_Simple() public {
        (bytes32 caseId, ) = _simpleInMediation();
        uint40 dueAt = uint40(_now() + SIMPLE_MEDIATION);
        vm.warp(dueAt + 1);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.LateActionRecorded(caseId, Deadline.Mediation, dueAt);
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        assertEq(_case(caseId).lateFlags, 1 << uint8(Deadline.Mediation), "late mediation flagged");
        // Recorded late: only the mediator may still declare failure.
        assertTrue(_caseStatus(caseId) == CaseStatus.Effective, "Effective");
    }

    function test_RevertWhen_MediationLateAndRefused_Multi() public {
        bytes32 caseId = _multiReadyToSign();
        uint256 dueAt = _case(caseId).mediationStartedAt + uint256(MULTI_MEDIATION);
        // A multi-creditor case gets 60 days: day 59 is fine for the parties.
        vm.warp(dueAt);
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.warp(dueAt + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryDeadlinePassed.selector, caseId, Deadline.Mediation, dueAt)
        );
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        // Anyone may now end it; the standstills lift.
        vm.prank(stranger);
        cases.declareMediationFailed(caseId, bytes32(0));
        assertTrue(!cases.isUnderStandstill(platformId, borrowerId), "standstill lifted");
    }

    function test_RevertWhen_AnyoneFailsBeforeRefusedDeadline() public {
        bytes32 caseId = _multiReadyToSign();
        uint256 dueAt = _case(caseId).mediationStartedAt + uint256(MULTI_MEDIATION);
        vm.warp(dueAt);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, stranger));
        vm.prank(stranger);
        cases.declareMediationFailed(caseId, bytes32(0));
    }

    function test_RevertWhen_AnyoneFailsAfterRecordedLateDeadline() public {
        (bytes32 caseId, ) = _simpleInMediation();
        vm.warp(_now() + SIMPLE_MEDIATION + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotMediator.selector, caseId, stranger));
        vm.prank(stranger);
        cases.declareMediationFailed(caseId, bytes32(0));
    }

    function test_Confirmation_LateRecorded_Simple() public {
        (bytes32 caseId, ) = _simpleEffective();
        uint40 dueAt = uint40(_now() + CONFIRMATION_WINDOW);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.warp(dueAt + 1);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.LateActionRecorded(caseId, Deadline.Confirmation, dueAt);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.ConfirmationApplied, "applied, late");
        assertEq(_case(caseId).lateFlags, 1 << uint8(Deadline.Confirmation), "late confirmation flagged");
    }

    function test_RevertWhen_ConfirmationLateAndRefused_Multi() public {
        bytes32 caseId = _multiReadyToSign();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        uint256 dueAt = _now() + CONFIRMATION_WINDOW;
        vm.warp(dueAt);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.warp(dueAt + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryDeadlinePassed.selector,
                caseId,
                Deadline.Confirmation,
                dueAt
            )
        );
        vm.prank(otherPlatform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
    }

    function test_FullPath_MultiCreditorCase() public {
        bytes32 caseId = _multiReadyToSign();
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.Effective, "one creditor still to join");
        vm.prank(otherPlatform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.ConfirmationApplied, "every party joined");
        vm.prank(lawyer);
        cases.recordRuling(caseId, true, RULING_HASH);
        vm.prank(lawyer);
        cases.closeCase(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Closed, "Closed");
        // The plan still runs after the case closes: standstills hold until their end.
        assertTrue(cases.isUnderStandstill(platformId, borrowerId), "platform under standstill");
        assertTrue(cases.isUnderStandstill(otherPlatformId, borrowerId), "other platform under standstill");
        assertEq(cases.getAgreements(caseId).length, 2, "two agreements");
    }

    /// @dev Issue 6's "done when": a multi-creditor case runs from opening to a confirmed settlement
    /// with standstills, a collection call during the standstill is flagged, and one dispute decided
    /// by the committee changes an agreement's state.
    function test_DoneWhen_MultiCreditorCaseConfirmed_DisputeDecided() public {
        bytes32 caseId = _openMulti();
        vm.prank(platform);
        cases.declareCounsel(caseId, otherLawyerId);
        _addAgreement(caseId, platform, PLATFORM_PK);
        bytes32 otherId = _addAgreement(caseId, otherPlatform, OTHER_PLATFORM_PK);
        _recordStandstill(caseId, platform, PLATFORM_PK, uint40(_now() + 365 days));
        _recordStandstill(caseId, otherPlatform, OTHER_PLATFORM_PK, uint40(_now() + 365 days));
        vm.warp(_now() + 2 days);
        vm.prank(mediator);
        cases.startMediation(caseId);
        vm.warp(_now() + 20 days);
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        vm.warp(_now() + 10 days);
        vm.prank(borrower);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(platform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.prank(otherPlatform);
        cases.applyForConfirmation(caseId, APPLICATION_HASH);
        vm.warp(_now() + 15 days);
        vm.prank(lawyer);
        cases.recordRuling(caseId, true, RULING_HASH);
        assertTrue(_caseStatus(caseId) == CaseStatus.Confirmed, "Confirmed");
        assertEq(_case(caseId).lateFlags, 0, "every step on time");

        // The other platform calls the borrower although it signed a standstill.
        vm.prank(borrower);
        cases.reportCollection(caseId, otherPlatformId, uint40(_now()), keccak256("call log"));
        assertEq(_creditor(caseId, otherPlatformId).breaches, 1, "breach flagged");

        // The borrower disputes that platform's agreement; a panel of three terminates it.
        vm.prank(borrower);
        uint256 disputeId = cases.openDispute(caseId, otherId, DisputeSubject.Agreement, 0, bytes32(0), keccak256("e"));
        assertTrue(_status(otherId) == Status.Disputed, "Disputed");
        _appoint(disputeId);
        _vote(committee, disputeId, Vote.Terminate);
        _vote(committee2, disputeId, Vote.Terminate);
        _vote(committee3, disputeId, Vote.Uphold); // dissent; MULTI's quorum is 3
        vm.prank(committee2);
        cases.resolveDispute(disputeId, keccak256("resolution"));
        assertTrue(_status(otherId) == Status.Terminated, "the committee's decision terminated the agreement");
        vm.prank(lawyer);
        cases.closeCase(caseId);
        assertTrue(_caseStatus(caseId) == CaseStatus.Closed, "Closed");
    }

    /// @dev A MULTI case in mediation with one agreement and one standstill per creditor.
    function _multiReadyToSign() internal returns (bytes32 caseId) {
        caseId = _openMulti();
        _addAgreement(caseId, platform, PLATFORM_PK);
        _addAgreement(caseId, otherPlatform, OTHER_PLATFORM_PK);
        _recordStandstill(caseId, platform, PLATFORM_PK, uint40(_now() + 365 days));
        _recordStandstill(caseId, otherPlatform, OTHER_PLATFORM_PK, uint40(_now() + 365 days));
        vm.prank(mediator);
        cases.startMediation(caseId);
    }
}
