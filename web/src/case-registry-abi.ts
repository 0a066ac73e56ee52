/**
 * The part of the CaseRegistry's ABI the portal calls, human-readable (viem's `parseAbi`): the
 * parties' transactions and the custom errors that can refuse them. Written by hand to keep the bundle
 * small; `test/portal-abi.test.ts` checks every entry against the compiled contract.
 */
import { parseAbi } from "viem";

export const caseRegistryAbi = parseAbi([
  "function startMediation(bytes32 caseId)",
  "function recordPartiesSigned(bytes32 caseId, bytes32 agreementHash)",
  "function signAsMediator(bytes32 caseId)",
  "function applyForConfirmation(bytes32 caseId, bytes32 applicationHash)",
  "function openDispute(bytes32 caseId, bytes32 settlementId, uint8 subject, uint32 sequence, bytes32 clauseHash, bytes32 evidenceHash) returns (uint256)",
  "function appointPanel(uint256 disputeId, uint32[] memberIds)",
  "function castVote(uint256 disputeId, uint8 vote, bytes32 opinionHash)",
  "function resolveDispute(uint256 disputeId, bytes32 resolutionHash) returns (uint8)",
  "function recordRuling(bytes32 caseId, bool confirmed, bytes32 rulingHash)",
  "function closeCase(bytes32 caseId)",
  "function reportCollection(bytes32 caseId, uint32 creditorId, uint40 occurredAt, bytes32 evidenceHash)",
  // The errors the calls above can meet (ICaseRegistry.sol), to name a refusal.
  "error CaseRegistryCaseNotFound(bytes32 caseId)",
  "error CaseRegistryNotCoordinator(bytes32 caseId, address caller)",
  "error CaseRegistryNotMediator(bytes32 caseId, address caller)",
  "error CaseRegistryNotCreditor(bytes32 caseId, address caller)",
  "error CaseRegistryNotParty(bytes32 caseId, address caller)",
  "error CaseRegistryTransitionNotAllowed(bytes32 caseId, uint8 from, uint8 to)",
  "error CaseRegistryDeadlinePassed(bytes32 caseId, uint8 deadline, uint256 dueAt)",
  "error CaseRegistryAgreementMissing(bytes32 caseId, uint32 creditorId)",
  "error CaseRegistryStandstillMissing(bytes32 caseId, uint32 creditorId)",
  "error CaseRegistryAlreadyJoined(bytes32 caseId, uint32 accountId)",
  "error CaseRegistryCaseEnded(bytes32 caseId, uint8 status)",
  "error CaseRegistryAgreementNotInCase(bytes32 caseId, bytes32 settlementId)",
  "error CaseRegistryNotAgreementParty(bytes32 settlementId, address caller)",
  "error CaseRegistryNotDisputable(bytes32 settlementId, uint8 status)",
  "error CaseRegistryDisputeAlreadyOpen(bytes32 settlementId, uint256 disputeId)",
  "error CaseRegistryDisputeNotFound(uint256 disputeId)",
  "error CaseRegistryDisputeNotOpen(uint256 disputeId, uint8 status)",
  "error CaseRegistryPanelAlreadyAppointed(uint256 disputeId)",
  "error CaseRegistryPanelSize(uint256 disputeId, uint256 size, uint256 expected)",
  "error CaseRegistryPanelNotSorted(uint256 index)",
  "error CaseRegistryWrongAccount(uint32 accountId, uint8 expected)",
  "error CaseRegistryNotPanelMember(uint256 disputeId, address caller)",
  "error CaseRegistryAlreadyVoted(uint256 disputeId, uint32 memberId)",
  "error CaseRegistryInvalidVote(uint256 disputeId, uint8 vote)",
  "error CaseRegistryVotingClosed(uint256 disputeId, uint256 votesDueAt)",
  "error CaseRegistryQuorumNotReached(uint256 disputeId, uint256 votes, uint256 quorum)",
  "error CaseRegistryNoMajority(uint256 disputeId)",
  "error CaseRegistryZeroResolution(uint256 disputeId)",
  "error CaseRegistryUnknownCreditor(bytes32 caseId, uint32 creditorId)",
  "error CaseRegistryFutureTime(uint40 occurredAt)",
  "error CaseRegistryCollectionAlreadyReported(bytes32 evidenceHash)",
  "error AccessManagedUnauthorized(address caller)",
]);
