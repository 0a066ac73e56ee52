/**
 * Payment reports in. A platform's payment system posts each payment as the EIP-712 `PaymentReport`
 * the registry verifies, signed by the platform's ORACLE key. The gateway checks everything the
 * registry would check at recording time that it can know now — the signature's form and signer, the
 * signer's role and platform, the agreement, the sequence number, the amount against what is still
 * outstanding (counting the reports already waiting), the payment time — and stores the report before
 * answering 202. Anything else is refused with a specific code and stores nothing. The same report
 * posted again answers its current state: it never counts twice.
 */
import { type Hex, getAddress, hashTypedData, recoverTypedDataAddress } from "viem";
import type { Logger } from "pino";

import { type PaymentReport, paymentReportTypes, settlementDomain, typesOf } from "../../../protocol/typed-data.js";
import type { ChainClients } from "../../chain/client.js";
import { isCanonicalEcdsa } from "../../chain/ecdsa.js";
import { readLedger } from "../../chain/ledger.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError, badRequest, conflict, forbidden } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import { type StoredReport, findReport, insertReport, liveReportAt, openReports } from "./repository.js";

/** A report as posted: the signed fields and the oracle's 65-byte signature. */
export interface ReportSubmission {
  settlementId: Hex;
  sequence: number;
  amount: bigint;
  paidAt: number;
  bankReference: Hex;
  signature: Hex;
}

/** Statuses in which the registry takes payments (SettlementRegistry `_recordPayment`). */
const PAYABLE = new Set([1, 3, 4]); // Active, InDefault, Disputed
/** Clock skew allowed between a payment system and the gateway. */
const MAX_SKEW_SECONDS = 60;

export interface IntakeDeps {
  db: Db;
  chain: ChainClients;
  clock: Clock;
  members: MemberDirectory;
  logger: Logger;
  /** Tells the submitter there is work. */
  wake(): void;
}

export class PaymentIntake {
  constructor(private readonly deps: IntakeDeps) {}

  /** The typed data an oracle signs for `report`, and its digest (the report's id). */
  typedData(report: Omit<ReportSubmission, "signature">) {
    const domain = settlementDomain(BigInt(this.deps.chain.chain.id), this.deps.chain.contracts.registry);
    const message: PaymentReport = { ...report, sequence: BigInt(report.sequence), paidAt: BigInt(report.paidAt) };
    const typedData = {
      domain: { ...domain, verifyingContract: domain.verifyingContract as Hex },
      types: typesOf(paymentReportTypes),
      primaryType: "PaymentReport" as const,
      message,
    };
    return { typedData, id: hashTypedData(typedData as never).toLowerCase() as Hex };
  }

  /** Accepts a report: `{created: true}` when stored now, `{created: false}` when it was known. */
  async accept(submission: ReportSubmission): Promise<{ report: StoredReport; created: boolean }> {
    const { db, clock } = this.deps;
    const settlementId = submission.settlementId.toLowerCase() as Hex;
    const { typedData, id } = this.typedData({ ...submission, settlementId });
    const known = await findReport(db, id);
    if (known !== undefined) return { report: known, created: false };

    if (!isCanonicalEcdsa(submission.signature)) {
      throw badRequest(
        "REPORT_SIGNATURE_MALFORMED",
        "The signature must be 65 bytes (r, s, v) with s in the lower half of the curve order and v 27 or 28.",
        { field: "body.signature" },
      );
    }
    const oracle = getAddress(
      await recoverTypedDataAddress({ ...typedData, signature: submission.signature } as never),
    );
    const { key } = await this.deps.members.lookup(oracle);
    if (key.role !== "ORACLE" || key.status !== "Active") {
      throw forbidden(
        "The report is not signed by an active ORACLE key: forged, altered after signing, or signed by another key.",
        "REPORT_SIGNER_NOT_ORACLE",
        { signer: oracle },
      );
    }
    const ledger = await readLedger(this.deps.chain, settlementId);
    if (ledger.status === 0) {
      throw new AppError(404, "AGREEMENT_NOT_FOUND", "No agreement with this settlement id is registered.", {
        settlementId,
      });
    }
    if (ledger.platformId !== key.accountId) {
      throw forbidden("The oracle belongs to another platform than the agreement's.", "WRONG_PLATFORM", {
        settlementId,
        oraclePlatformId: key.accountId,
      });
    }
    if (!PAYABLE.has(ledger.status)) {
      throw conflict("AGREEMENT_NOT_PAYABLE", "The agreement takes no more payments (completed, ended or replaced).", {
        settlementId,
      });
    }
    if (submission.sequence < ledger.reportCount) {
      throw conflict("REPORT_ALREADY_RECORDED", "A report with this sequence number is recorded on chain already.", {
        settlementId,
        sequence: submission.sequence,
        recorded: ledger.reportCount,
      });
    }
    const holder = await liveReportAt(db, settlementId, submission.sequence);
    if (holder !== undefined) {
      throw conflict("SEQUENCE_TAKEN", "Another report with this sequence number was accepted already.", {
        settlementId,
        sequence: submission.sequence,
        reportId: holder.id,
      });
    }
    if (submission.paidAt > Math.floor(clock.now() / 1000) + MAX_SKEW_SECONDS) {
      throw badRequest("PAYMENT_IN_FUTURE", "The payment time is in the future.", { field: "body.paidAt" });
    }
    // Reports below the on-chain count are in `paidTotal` already, even if not yet marked recorded here.
    const waiting = (await openReports(db, settlementId))
      .filter((report) => report.sequence >= ledger.reportCount)
      .reduce((sum, report) => sum + report.amount, 0n);
    const outstanding = ledger.totalDue - ledger.paidTotal - waiting;
    if (submission.amount > outstanding) {
      throw badRequest(
        "OVERPAYMENT",
        "The amount exceeds what is outstanding on the agreement, counting the reports waiting to be recorded.",
        { field: "body.amount", outstanding: (outstanding < 0n ? 0n : outstanding).toString() },
      );
    }

    const report: StoredReport = {
      id,
      settlementId,
      sequence: submission.sequence,
      amount: submission.amount,
      paidAt: submission.paidAt,
      bankReference: submission.bankReference.toLowerCase() as Hex,
      signature: submission.signature.toLowerCase() as Hex,
      oracle,
      platformId: key.accountId,
      state: "accepted",
      receivedAt: clock.now(),
      txHash: null,
      blockNumber: null,
      settledAt: null,
      error: null,
    };
    if (!(await insertReport(db, report))) {
      // A concurrent delivery got there first: the same report answers as known, another one conflicts.
      const raced = await findReport(db, id);
      if (raced !== undefined) return { report: raced, created: false };
      throw conflict("SEQUENCE_TAKEN", "Another report with this sequence number was accepted already.", {
        settlementId,
        sequence: submission.sequence,
      });
    }
    this.deps.logger.info({ reportId: id, settlementId, sequence: report.sequence }, "payment report accepted");
    this.deps.wake();
    return { report, created: true };
  }
}
