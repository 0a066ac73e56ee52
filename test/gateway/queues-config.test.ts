/**
 * The knobs of the gateway's background queues — the agreements' registration outbox and the payment
 * submitter: defaults, and a clear refusal of bad values at start-up.
 */
import { expect } from "chai";

import { ConfigError, loadConfig } from "../../server/config.js";

const required = {
  HEJIE_REGISTRY_ADDRESS: `0x${"11".repeat(20)}`,
  HEJIE_EVIDENCE_ADDRESS: `0x${"22".repeat(20)}`,
  HEJIE_ACCESS_MANAGER_ADDRESS: `0x${"33".repeat(20)}`,
  HEJIE_CASE_REGISTRY_ADDRESS: `0x${"55".repeat(20)}`,
  HEJIE_RELAYER_KEY: `0x${"44".repeat(32)}`,
};

describe("gateway configuration: agreements and the registration outbox", () => {
  it("defaults: a seven-day signing deadline, the worker on, bounded retries with backoff", () => {
    expect(loadConfig(required).agreements).to.deep.equal({
      deadlineSeconds: 7 * 86_400,
      outbox: { worker: true, pollMs: 1_000, maxAttempts: 20, backoffMs: 1_000, maxBackoffMs: 300_000 },
    });
  });

  it("reads every knob", () => {
    const config = loadConfig({
      ...required,
      HEJIE_AGREEMENT_DEADLINE_SECONDS: "86400",
      HEJIE_OUTBOX_WORKER: "off",
      HEJIE_OUTBOX_POLL_MS: "250",
      HEJIE_OUTBOX_MAX_ATTEMPTS: "5",
      HEJIE_OUTBOX_BACKOFF_MS: "500",
      HEJIE_OUTBOX_MAX_BACKOFF_MS: "60000",
    });
    expect(config.agreements).to.deep.equal({
      deadlineSeconds: 86_400,
      outbox: { worker: false, pollMs: 250, maxAttempts: 5, backoffMs: 500, maxBackoffMs: 60_000 },
    });
  });

  it("refuses bad values, naming the variable", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ HEJIE_AGREEMENT_DEADLINE_SECONDS: "60" }, /HEJIE_AGREEMENT_DEADLINE_SECONDS/],
      [{ HEJIE_AGREEMENT_DEADLINE_SECONDS: "seven days" }, /HEJIE_AGREEMENT_DEADLINE_SECONDS/],
      [{ HEJIE_OUTBOX_WORKER: "maybe" }, /HEJIE_OUTBOX_WORKER/],
      [{ HEJIE_OUTBOX_POLL_MS: "0" }, /HEJIE_OUTBOX_POLL_MS/],
      [{ HEJIE_OUTBOX_MAX_ATTEMPTS: "0" }, /HEJIE_OUTBOX_MAX_ATTEMPTS/],
      [{ HEJIE_OUTBOX_BACKOFF_MS: "-5" }, /HEJIE_OUTBOX_BACKOFF_MS/],
      [{ HEJIE_OUTBOX_BACKOFF_MS: "10000", HEJIE_OUTBOX_MAX_BACKOFF_MS: "1000" }, /HEJIE_OUTBOX_BACKOFF_MS/],
    ];
    for (const [env, message] of bad) {
      expect(() => loadConfig({ ...required, ...env }), JSON.stringify(env))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(message);
    }
  });
});

describe("gateway configuration: the payment submitter", () => {
  it("defaults: the submitter on, batches of 50 every second, backoff up to a minute", () => {
    expect(loadConfig(required).payments).to.deep.equal({
      submitter: true,
      batchSize: 50,
      pollMs: 1_000,
      maxBackoffMs: 60_000,
      reportsPerMinute: 6_000,
    });
  });

  it("reads every knob, and refuses bad values naming the variable", () => {
    const config = loadConfig({
      ...required,
      HEJIE_PAYMENTS_SUBMITTER: "off",
      HEJIE_PAYMENTS_BATCH_SIZE: "200",
      HEJIE_PAYMENTS_POLL_MS: "20",
      HEJIE_PAYMENTS_MAX_BACKOFF_MS: "5000",
      HEJIE_PAYMENT_REPORT_RATE_LIMIT: "10",
    });
    expect(config.payments).to.deep.equal({
      submitter: false,
      batchSize: 200,
      pollMs: 20,
      maxBackoffMs: 5_000,
      reportsPerMinute: 10,
    });
    for (const [name, value] of [
      ["HEJIE_PAYMENTS_SUBMITTER", "sometimes"],
      ["HEJIE_PAYMENTS_BATCH_SIZE", "201"],
      ["HEJIE_PAYMENTS_BATCH_SIZE", "0"],
      ["HEJIE_PAYMENTS_POLL_MS", "5"],
      ["HEJIE_PAYMENT_REPORT_RATE_LIMIT", "0"],
    ] as const) {
      expect(() => loadConfig({ ...required, [name]: value }), `${name}=${value}`)
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(new RegExp(name));
    }
  });
});

describe("gateway configuration: the evidence anchorer", () => {
  it("defaults to batches of 100 or a minute's wait, and reads and checks its knobs", () => {
    expect(loadConfig(required).evidence).to.deep.equal({ anchorer: true, batchSize: 100, maxWaitMs: 60_000 });
    expect(
      loadConfig({
        ...required,
        HEJIE_EVIDENCE_ANCHORER: "off",
        HEJIE_EVIDENCE_BATCH_SIZE: "5",
        HEJIE_EVIDENCE_MAX_WAIT_SECONDS: "3",
      }).evidence,
    ).to.deep.equal({ anchorer: false, batchSize: 5, maxWaitMs: 3_000 });
    expect(() => loadConfig({ ...required, HEJIE_EVIDENCE_MAX_WAIT_SECONDS: "0" }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.matches(/HEJIE_EVIDENCE_MAX_WAIT_SECONDS/);
  });
});
