// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../interfaces/ISettlementRegistry.sol";
import {Case, CaseStatus, Creditor, Rulebook, Standstill} from "../types/CaseTypes.sol";
import {AccountKind, Key, KeyStatus} from "../types/MemberTypes.sol";
import {Ledger, Profile, Status} from "../types/SettlementTypes.sol";
import {CaseAccess} from "./CaseAccess.sol";
import {Roles} from "./Roles.sol";
import {SignatureVerification} from "./SignatureVerification.sol";

/// @title CaseLogic
/// @notice The CaseRegistry's case state and the actions that check parties against the
/// HejieRegistry: opening a case, declaring counsel, adding agreements, standstills, collection
/// reports. The lifecycle steps and the views stay in the CaseRegistry.
/// @dev An external library (called by DELEGATECALL: storage and events are the CaseRegistry's),
/// which keeps the CaseRegistry under the code size limit; the reads shared with the contract
/// (`existingCase`, `underStandstill`, `hasEnded`) are internal and compiled into it.
library CaseLogic {
    /// @dev The CaseRegistry's case state, in one struct so that the library can work on it.
    struct Layout {
        mapping(uint16 caseType => Rulebook) rulebooks;
        mapping(bytes32 caseId => Case) cases;
        mapping(bytes32 caseId => uint32[] creditorIds) creditorLists;
        mapping(bytes32 caseId => mapping(uint32 creditorId => Creditor)) creditors;
        mapping(bytes32 caseId => bytes32[] settlementIds) agreements;
        mapping(bytes32 settlementId => bytes32 caseId) caseOf;
        mapping(uint32 creditorId => mapping(uint32 borrowerId => bytes32 caseId)) standstillCase;
        mapping(bytes32 evidenceHash => bool) collectionReported;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev The caller holds LAWYER (checked by the AccessManager) and becomes the coordinator.
    function openCase(
        Layout storage s,
        address registry,
        bytes32 caseId,
        uint16 caseType,
        uint32 borrowerId,
        uint32[] calldata creditorIds,
        uint32 mediatorId
    ) external {
        // Check:
        if (caseId == bytes32(0)) revert ICaseRegistry.CaseRegistryZeroCaseId();
        if (s.cases[caseId].status != CaseStatus.None) revert ICaseRegistry.CaseRegistryCaseExists(caseId);
        Rulebook memory rules = s.rulebooks[caseType];
        if (rules.responseTime == 0) revert ICaseRegistry.CaseRegistryUnknownCaseType(caseType);
        uint32 coordinatorId = CaseAccess.accountOf(registry, msg.sender, Roles.LAWYER);
        if (coordinatorId == 0) revert ICaseRegistry.CaseRegistryNotCoordinator(caseId, msg.sender);
        CaseAccess.requireAccount(registry, borrowerId, AccountKind.Borrower);
        CaseAccess.requireAccount(registry, mediatorId, AccountKind.Lawyer);
        uint256 count = creditorIds.length;
        if (count == 0 || count > rules.maxCreditors)
            revert ICaseRegistry.CaseRegistryCreditorCount(count, rules.maxCreditors);

        // Effect:
        for (uint256 i = 0; i < count; ++i) {
            uint32 creditorId = creditorIds[i];
            if (i != 0 && creditorId <= creditorIds[i - 1]) revert ICaseRegistry.CaseRegistryCreditorsNotSorted(i);
            CaseAccess.requireAccount(registry, creditorId, AccountKind.Platform);
            // Cast: count <= maxCreditors <= MAX_CREDITORS (16).
            s.creditors[caseId][creditorId].seat = uint8(i + 1);
        }
        s.creditorLists[caseId] = creditorIds;
        Case storage c = s.cases[caseId];
        c.status = CaseStatus.Opened;
        c.caseType = caseType;
        c.borrowerId = borrowerId;
        c.coordinatorId = coordinatorId;
        c.mediatorId = mediatorId;
        c.creditorCount = uint8(count);
        c.openedAt = uint40(block.timestamp);
        c.rules = rules;
        emit ICaseRegistry.CaseOpened(caseId, caseType, borrowerId, coordinatorId, mediatorId, creditorIds);
        emit ICaseRegistry.CaseStatusChanged(caseId, CaseStatus.None, CaseStatus.Opened, bytes32(0));
    }

    function declareCounsel(Layout storage s, address registry, bytes32 caseId, uint32 counselId) external {
        Case storage c = existingCase(s, caseId);
        if (c.status != CaseStatus.Opened && c.status != CaseStatus.InMediation) {
            revert ICaseRegistry.CaseRegistryCaseEnded(caseId, c.status);
        }
        uint32 creditorId = CaseAccess.accountOf(registry, msg.sender, Roles.PLATFORM);
        Creditor storage creditor = s.creditors[caseId][creditorId];
        if (creditorId == 0 || creditor.seat == 0) revert ICaseRegistry.CaseRegistryNotCreditor(caseId, msg.sender);
        CaseAccess.requireAccount(registry, counselId, AccountKind.Lawyer);
        // The platform's own counsel can never mediate (DOMAIN.md rule 7).
        if (counselId == c.mediatorId) revert ICaseRegistry.CaseRegistryRoleConflict(caseId, counselId);
        creditor.counselId = counselId;
        emit ICaseRegistry.CounselDeclared(caseId, creditorId, counselId);
    }

    function addAgreement(Layout storage s, address registry, bytes32 caseId, bytes32 settlementId) external {
        Case storage c = existingCase(s, caseId);
        if (CaseAccess.accountOf(registry, msg.sender, Roles.LAWYER) != c.coordinatorId) {
            revert ICaseRegistry.CaseRegistryNotCoordinator(caseId, msg.sender);
        }
        if (c.status != CaseStatus.Opened && c.status != CaseStatus.InMediation) {
            revert ICaseRegistry.CaseRegistryCaseEnded(caseId, c.status);
        }
        bytes32 existing = s.caseOf[settlementId];
        if (existing != bytes32(0)) revert ICaseRegistry.CaseRegistryAgreementInCase(settlementId, existing);
        (Ledger memory ledger, Profile memory profile) = ISettlementRegistry(registry).getSettlement(settlementId);
        if (ledger.status != Status.Active)
            revert ICaseRegistry.CaseRegistryAgreementNotActive(settlementId, ledger.status);
        Creditor storage creditor = s.creditors[caseId][ledger.platformId];
        if (profile.borrowerId != c.borrowerId || creditor.seat == 0) {
            revert ICaseRegistry.CaseRegistryAgreementPartiesDiffer(caseId, settlementId);
        }
        if (profile.curePeriod < c.rules.minCurePeriod) {
            revert ICaseRegistry.CaseRegistryCurePeriodTooShort(
                settlementId,
                profile.curePeriod,
                c.rules.minCurePeriod
            );
        }
        s.caseOf[settlementId] = caseId;
        s.agreements[caseId].push(settlementId);
        ++creditor.agreementCount;
        emit ICaseRegistry.AgreementAdded(caseId, settlementId, ledger.platformId);
    }

    /// @param digest The standstill's EIP-712 digest (the domain is the CaseRegistry's).
    function recordStandstill(
        Layout storage s,
        address registry,
        Standstill calldata standstill,
        bytes32 digest,
        bytes calldata signature
    ) external {
        // Check: the case is running, the signer is an active PLATFORM key of one of its creditors,
        // signing at its current nonce before the deadline, for a term that ends in the future.
        bytes32 caseId = standstill.caseId;
        Case storage c = existingCase(s, caseId);
        if (hasEnded(c.status)) revert ICaseRegistry.CaseRegistryCaseEnded(caseId, c.status);
        if (block.timestamp > standstill.deadline)
            revert ICaseRegistry.CaseRegistryStandstillExpired(standstill.deadline);
        if (standstill.borrowerId != c.borrowerId)
            revert ICaseRegistry.CaseRegistryWrongBorrower(caseId, standstill.borrowerId);
        Key memory key = IMemberRegistry(registry).getKey(standstill.creditor);
        Creditor storage creditor = s.creditors[caseId][key.accountId];
        if (key.status != KeyStatus.Active || key.role != Roles.PLATFORM || creditor.seat == 0) {
            revert ICaseRegistry.CaseRegistryNotCreditor(caseId, standstill.creditor);
        }
        if (standstill.nonce != key.nonce)
            revert ICaseRegistry.CaseRegistryStaleNonce(standstill.creditor, standstill.nonce, key.nonce);
        if (!SignatureVerification.isValidNow(standstill.creditor, digest, signature)) {
            revert ICaseRegistry.CaseRegistryInvalidSignature(standstill.creditor);
        }
        uint40 current = creditor.standstillUntil;
        if (standstill.endsAt <= current || standstill.endsAt <= block.timestamp) {
            revert ICaseRegistry.CaseRegistryStandstillNotExtended(caseId, key.accountId, standstill.endsAt, current);
        }
        // Effect:
        if (creditor.standstillFrom == 0) creditor.standstillFrom = uint40(block.timestamp);
        creditor.standstillUntil = standstill.endsAt;
        s.standstillCase[key.accountId][c.borrowerId] = caseId;
        emit ICaseRegistry.StandstillRecorded(
            caseId,
            key.accountId,
            c.borrowerId,
            creditor.standstillFrom,
            standstill.endsAt
        );
    }

    function reportCollection(
        Layout storage s,
        address registry,
        bytes32 caseId,
        uint32 creditorId,
        uint40 occurredAt,
        bytes32 evidenceHash
    ) external {
        Case storage c = existingCase(s, caseId);
        Creditor storage creditor = s.creditors[caseId][creditorId];
        if (creditor.seat == 0) revert ICaseRegistry.CaseRegistryUnknownCreditor(caseId, creditorId);
        uint32 reporter = CaseAccess.accountOf(registry, msg.sender, Roles.BORROWER);
        if (reporter != c.borrowerId) {
            reporter = CaseAccess.accountOf(registry, msg.sender, Roles.PLATFORM);
            if (reporter != creditorId) revert ICaseRegistry.CaseRegistryNotParty(caseId, msg.sender);
        }
        if (occurredAt > block.timestamp) revert ICaseRegistry.CaseRegistryFutureTime(occurredAt);
        if (s.collectionReported[evidenceHash])
            revert ICaseRegistry.CaseRegistryCollectionAlreadyReported(evidenceHash);
        s.collectionReported[evidenceHash] = true;
        bool breach = underStandstill(c, creditor, occurredAt);
        if (breach) ++creditor.breaches;
        emit ICaseRegistry.CollectionRecorded(caseId, creditorId, occurredAt, evidenceHash, reporter, breach);
        if (breach) emit ICaseRegistry.StandstillBreached(caseId, creditorId, occurredAt, evidenceHash);
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    function existingCase(Layout storage s, bytes32 caseId) internal view returns (Case storage c) {
        c = s.cases[caseId];
        if (c.status == CaseStatus.None) revert ICaseRegistry.CaseRegistryCaseNotFound(caseId);
    }

    /// @dev Closed, MediationFailed and ReferredToLitigation: no standstill can be recorded any more.
    function hasEnded(CaseStatus status) internal pure returns (bool) {
        return
            status == CaseStatus.Closed ||
            status == CaseStatus.MediationFailed ||
            status == CaseStatus.ReferredToLitigation;
    }

    /// @dev Whether the creditor's standstill held at `time`: recorded by then, not past its end, and
    /// not lifted by the case's failure.
    function underStandstill(Case storage c, Creditor storage creditor, uint256 time) internal view returns (bool) {
        uint256 from = creditor.standstillFrom;
        if (from == 0 || time < from || time > creditor.standstillUntil) return false;
        uint256 lifted = c.standstillsLiftedAt;
        return lifted == 0 || time < lifted;
    }
}
