/**
 * Encrypted documents over real HTTP, against a real chain (anvil + the Ignition deployment), the real
 * SQLite database and the real blob directory: uploads and verified downloads, refusals (audited),
 * tampered and truncated blobs, aborted and oversized uploads, wrong content types, deletion by
 * crypto-shredding, and the key-encryption key's file and start-up check.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";

import { expect } from "chai";

import { loadConfig } from "../../server/config.js";
import { startGateway } from "../../server/app.js";
import { TAG_LENGTH, HEADER_LENGTH } from "../../server/components/documents/stream-aead.js";
import { call, signIn } from "../../protocol/gateway-client.js";
import { type System, startSystem, wallets } from "./harness.js";

const MiB = 1024 * 1024;
const SEGMENT = 64 * 1024;
const MAX_UPLOAD = 4 * MiB;

type ErrorReply = { error: { code: string; message: string; details?: Record<string, unknown> } };
interface DocumentReply {
  id: string;
  caseId: string;
  name: string;
  kind: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploader: string;
  status: string;
  deletedAt: number | null;
}
interface AuditReply {
  sequence: number;
  actor: string | null;
  action: string;
  documentId: string | null;
  details: Record<string, unknown>;
  hash: string;
}

const sha256 = (data: Uint8Array) => `0x${createHash("sha256").update(data).digest("hex")}`;

/** Waits for a condition the system reaches on its own (not a timed assertion: it fails only if it never happens). */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A body streamed in small chunks with no Content-Length (chunked transfer encoding). */
function chunked(data: Uint8Array, chunk = 10_000): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

describe("gateway: encrypted documents", function () {
  this.timeout(180_000);
  let system: System;
  let caseId: string;
  let tokens: { lawyer: string; platform: string; borrower: string; outsider: string };

  const blobRoot = () => join(system.dataDir, "blobs");
  /** Every stored blob file (not the temporary ones). */
  const blobFiles = () =>
    readdirSync(blobRoot(), { recursive: true, encoding: "utf8" }).filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{32}$/.test(f));
  const temporaryFiles = () => readdirSync(join(blobRoot(), "tmp"));
  const countDocuments = async () =>
    Number((await system.gateway.context.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM documents"))!.n);
  const blobPathOf = async (documentId: string) => {
    const row = await system.gateway.context.db.get<{ blob_id: string }>("SELECT blob_id FROM documents WHERE id = ?", [
      documentId,
    ]);
    return join(blobRoot(), row!.blob_id.slice(0, 2), row!.blob_id);
  };

  const upload = (
    token: string,
    body: Uint8Array | ReadableStream<Uint8Array>,
    options: { name?: string; kind?: string; type?: string; caseId?: string } = {},
  ) => {
    const query = new URLSearchParams({ name: options.name ?? "contract.pdf", kind: options.kind ?? "loan_contract" });
    return call<DocumentReply & ErrorReply>(
      system.url,
      "POST",
      `/cases/${options.caseId ?? caseId}/documents?${query.toString()}`,
      { token, body: body as RequestInit["body"], contentType: options.type ?? "application/pdf" },
    );
  };
  const content = (token: string, documentId: string) =>
    fetch(`${system.url}/cases/${caseId}/documents/${documentId}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const trail = async () =>
    (await call<AuditReply[]>(system.url, "GET", `/cases/${caseId}/audit?limit=1000`, { token: tokens.lawyer })).body;

  before(async () => {
    system = await startSystem({ env: { HEJIE_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      platform: await signIn(system.url, wallets.platform),
      borrower: await signIn(system.url, wallets.borrower),
      outsider: await signIn(system.url, wallets.outsider),
    };
    const opened = await call<{ id: string }>(system.url, "POST", "/cases", {
      token: tokens.lawyer,
      json: { title: "Renovation loan", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
    });
    caseId = opened.body.id;
  });
  after(async () => {
    await system?.stop();
  });

  describe("upload and download", () => {
    const sizes = { "1 byte": 1, "1 MiB": MiB, "3 segments and a bit": 3 * SEGMENT + 123, empty: 0 };
    for (const [label, size] of Object.entries(sizes)) {
      it(`round trip of ${label}: the same bytes, SHA-256 and size come back; the blob is ciphertext`, async () => {
        const data = randomBytes(size);
        const uploaded = await upload(tokens.platform, data, { name: `报告 ${label}.pdf` });
        expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
        expect(uploaded.body).to.include({
          caseId,
          size,
          sha256: sha256(data),
          uploader: wallets.platform.address,
          mediaType: "application/pdf",
          kind: "loan_contract",
          status: "available",
        });
        expect(uploaded.headers.get("location")).to.equal(`/cases/${caseId}/documents/${uploaded.body.id}`);

        const response = await content(tokens.borrower, uploaded.body.id);
        expect(response.status).to.equal(200);
        expect(response.headers.get("content-type")).to.equal("application/pdf");
        expect(response.headers.get("content-length")).to.equal(String(size));
        expect(response.headers.get("repr-digest")).to.equal(
          `sha-256=:${createHash("sha256").update(data).digest("base64")}:`,
        );
        expect(response.headers.get("content-disposition")).to.contain(
          `filename*=UTF-8''${encodeURIComponent(`报告 ${label}.pdf`)}`,
        );
        expect(Buffer.from(await response.arrayBuffer()).equals(data)).to.equal(true);

        // At rest: header, ciphertext and one tag per segment; no plaintext.
        const blob = readFileSync(await blobPathOf(uploaded.body.id));
        expect(blob.length).to.equal(HEADER_LENGTH + size + Math.max(1, Math.ceil(size / SEGMENT)) * TAG_LENGTH);
        if (size >= 64) expect(blob.includes(data.subarray(0, 64))).to.equal(false);
      });
    }

    it("a chunked upload (no Content-Length) of many segments round-trips", async () => {
      const data = randomBytes(5 * SEGMENT + 7);
      const uploaded = await upload(tokens.lawyer, chunked(data), {
        type: "application/octet-stream",
        kind: "evidence",
      });
      expect(uploaded.status).to.equal(201);
      expect(uploaded.body.sha256).to.equal(sha256(data));
      const response = await content(tokens.platform, uploaded.body.id);
      expect(Buffer.from(await response.arrayBuffer()).equals(data)).to.equal(true);
    });

    it("lists the case's documents and describes one, to its parties", async () => {
      const listed = await call<DocumentReply[]>(system.url, "GET", `/cases/${caseId}/documents`, {
        token: tokens.borrower,
      });
      expect(listed.status).to.equal(200);
      expect(listed.body.length).to.be.at.least(5);
      const first = listed.body[0]!;
      const described = await call<DocumentReply>(system.url, "GET", `/cases/${caseId}/documents/${first.id}`, {
        token: tokens.lawyer,
      });
      expect(described.body).to.deep.equal(first);
      expect(described.body).to.not.have.property("wrappedKey");
      expect(described.body).to.not.have.property("blobId");
    });

    it("the service describes a document for other components (its SHA-256)", async () => {
      const data = randomBytes(1000);
      const uploaded = await upload(tokens.lawyer, data, { kind: "agreement", name: "agreement.pdf" });
      const described = await system.gateway.documents.describe(caseId, uploaded.body.id);
      expect(described).to.include({ sha256: sha256(data), size: 1000, kind: "agreement", status: "available" });
    });

    it("audits every upload and read, with the reader", async () => {
      const uploaded = await upload(tokens.platform, randomBytes(10));
      await (await content(tokens.borrower, uploaded.body.id)).arrayBuffer();
      const entries = (await trail()).filter((e) => e.documentId === uploaded.body.id);
      expect(entries.map((e) => [e.action, e.actor])).to.deep.equal([
        ["upload", wallets.platform.address],
        ["read", wallets.borrower.address],
      ]);
      expect(entries[0]!.details).to.include({ size: 10, mediaType: "application/pdf" });
      expect(entries[1]!.details).to.deep.equal({ via: "party" });
    });
  });

  describe("refusals", () => {
    let documentId: string;
    before(async () => {
      documentId = (await upload(tokens.lawyer, randomBytes(100))).body.id;
    });

    it("a non-member reading a document: 403 NOT_A_PARTY, and the attempt is in the audit log", async () => {
      const before = (await trail()).length;
      const refused = await content(tokens.outsider, documentId);
      const body = (await refused.json()) as ErrorReply;
      expect([refused.status, body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      const metadata = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents/${documentId}`, {
        token: tokens.outsider,
      });
      expect([metadata.status, metadata.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      const list = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents`, { token: tokens.outsider });
      expect(list.status).to.equal(403);
      const entries = (await trail()).slice(before);
      expect(entries.map((e) => [e.action, e.actor, e.details.what, e.details.reason])).to.deep.equal([
        ["read_refused", wallets.outsider.address, "content", "not_a_party"],
        ["read_refused", wallets.outsider.address, "metadata", "not_a_party"],
        ["read_refused", wallets.outsider.address, "list", "not_a_party"],
      ]);
      // And the audit trail itself is for parties only.
      const audit = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/audit`, { token: tokens.outsider });
      expect([audit.status, audit.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
    });

    it("a non-member uploading: 403 NOT_A_PARTY (audited), nothing stored", async () => {
      const [documents, blobs] = [await countDocuments(), blobFiles().length];
      const refused = await upload(tokens.outsider, randomBytes(1000));
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      expect([await countDocuments(), blobFiles().length]).to.deep.equal([documents, blobs]);
      const last = (await trail()).at(-1)!;
      expect([last.action, last.actor]).to.deep.equal(["upload_refused", wallets.outsider.address]);
    });

    it("no session: 401; unknown case: 404; unknown document (to a party): 404", async () => {
      const anonymous = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents/${documentId}`);
      expect(anonymous.status).to.equal(401);
      const otherCase = `0x${"ab".repeat(32)}`;
      const noCase = await call<ErrorReply>(system.url, "GET", `/cases/${otherCase}/documents/${documentId}`, {
        token: tokens.lawyer,
      });
      expect([noCase.status, noCase.body.error.code]).to.deep.equal([404, "NOT_FOUND"]);
      const noDocument = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents/0x${"cd".repeat(32)}`, {
        token: tokens.lawyer,
      });
      expect([noDocument.status, noDocument.body.error.code]).to.deep.equal([404, "NOT_FOUND"]);
    });

    it("a wrong content type: 415 UNSUPPORTED_MEDIA_TYPE, nothing stored", async () => {
      const documents = await countDocuments();
      for (const type of ["text/html", "application/json", "multipart/form-data; boundary=x", "image/svg+xml"]) {
        const refused = await upload(tokens.lawyer, Buffer.from('{"html":"<html></html>"}'), { type });
        expect([refused.status, refused.body.error.code], type).to.deep.equal([415, "UNSUPPORTED_MEDIA_TYPE"]);
      }
      expect(await countDocuments()).to.equal(documents);
    });

    it("an invalid name or kind: 400 naming the field", async () => {
      const badName = await upload(tokens.lawyer, randomBytes(10), { name: "../../etc/passwd" });
      expect([badName.status, badName.body.error.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
      expect(JSON.stringify(badName.body.error.details)).to.contain("query.name");
      const badKind = await upload(tokens.lawyer, randomBytes(10), { kind: "secret" });
      expect(JSON.stringify(badKind.body.error.details)).to.contain("query.kind");
      const badId = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents/not-an-id`, {
        token: tokens.lawyer,
      });
      expect([badId.status, badId.body.error.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
    });
  });

  describe("integrity of stored blobs", () => {
    it("a flipped byte in a one-segment blob: 500 DOCUMENT_CORRUPTED, no content, read_failed audited", async () => {
      const data = randomBytes(5000);
      const { id } = (await upload(tokens.lawyer, data)).body;
      const path = await blobPathOf(id);
      const blob = readFileSync(path);
      blob[HEADER_LENGTH + 2500]! ^= 0x40;
      writeFileSync(path, blob);
      const response = await content(tokens.lawyer, id);
      const body = (await response.json()) as ErrorReply;
      expect([response.status, body.error.code]).to.deep.equal([500, "DOCUMENT_CORRUPTED"]);
      expect(JSON.stringify(body)).to.not.contain(data.subarray(0, 16).toString("hex"));
      const last = (await trail()).at(-1)!;
      expect([last.action, last.details.reason]).to.deep.equal(["read_failed", "integrity_segment"]);
    });

    it("a flipped byte in the header: 500 DOCUMENT_CORRUPTED", async () => {
      const { id } = (await upload(tokens.lawyer, randomBytes(3 * SEGMENT))).body;
      const path = await blobPathOf(id);
      const blob = readFileSync(path);
      blob[9]! ^= 0x01; // inside the nonce prefix
      writeFileSync(path, blob);
      const response = await content(tokens.lawyer, id);
      expect([response.status, ((await response.json()) as ErrorReply).error.code]).to.deep.equal([
        500,
        "DOCUMENT_CORRUPTED",
      ]);
    });

    it("a truncated blob: 500 DOCUMENT_CORRUPTED", async () => {
      const { id } = (await upload(tokens.lawyer, randomBytes(20_000))).body;
      const path = await blobPathOf(id);
      truncateSync(path, statSync(path).size - 1);
      const response = await content(tokens.lawyer, id);
      expect([response.status, ((await response.json()) as ErrorReply).error.code]).to.deep.equal([
        500,
        "DOCUMENT_CORRUPTED",
      ]);
    });

    it("damage in a later segment cuts the download short: never the damaged segment's plaintext", async () => {
      const data = randomBytes(6 * SEGMENT);
      const { id } = (await upload(tokens.lawyer, data)).body;
      const path = await blobPathOf(id);
      const blob = readFileSync(path);
      blob[HEADER_LENGTH + 3 * (SEGMENT + TAG_LENGTH) + 10]! ^= 0x01; // segment 3
      writeFileSync(path, blob);
      const response = await content(tokens.lawyer, id);
      expect(response.status).to.equal(200); // the first segment verified; the failure comes later
      const received: Buffer[] = [];
      let failed = false;
      try {
        for await (const chunk of response.body!) received.push(Buffer.from(chunk));
      } catch {
        failed = true;
      }
      const got = Buffer.concat(received);
      expect(failed, "the connection is cut, not ended normally").to.equal(true);
      expect(got.length).to.be.at.most(3 * SEGMENT);
      expect(got.equals(data.subarray(0, got.length))).to.equal(true);
    });

    it("a blob truncated at a segment boundary cuts the download short", async () => {
      const data = randomBytes(4 * SEGMENT + 10);
      const { id } = (await upload(tokens.lawyer, data)).body;
      const path = await blobPathOf(id);
      truncateSync(path, HEADER_LENGTH + 2 * (SEGMENT + TAG_LENGTH));
      const response = await content(tokens.lawyer, id);
      let failed = false;
      let length = 0;
      try {
        for await (const chunk of response.body!) length += chunk.length;
      } catch {
        failed = true;
      }
      // Segment 0 verifies and goes out; segment 1 turns out to be an unsealed end: the connection is cut.
      expect([response.status, failed]).to.deep.equal([200, true]);
      expect(length).to.be.at.most(SEGMENT);
    });
  });

  describe("uploads that do not complete", () => {
    it("an upload aborted half-way leaves no row and no blob file", async () => {
      const [documents, blobs] = [await countDocuments(), blobFiles().length];
      const url = new URL(`${system.url}/cases/${caseId}/documents?name=half.pdf`);
      const req = request(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tokens.platform}`,
          "content-type": "application/pdf",
          "content-length": String(3 * MiB),
        },
      });
      req.on("error", () => undefined);
      try {
        // Two thirds: more than the few batches the upload crypto holds in flight, so some reach the disk.
        req.write(randomBytes(2 * MiB));
        // The gateway is storing the upload: its temporary file grows.
        await waitFor(
          () => temporaryFiles().some((f) => statSync(join(blobRoot(), "tmp", f)).size > MiB / 4),
          "the upload to reach the blob store",
        );
      } finally {
        req.destroy();
      }
      await waitFor(() => temporaryFiles().length === 0, "the temporary file to be removed");
      expect([await countDocuments(), blobFiles().length]).to.deep.equal([documents, blobs]);
      // The gateway still serves.
      expect((await upload(tokens.platform, randomBytes(10))).status).to.equal(201);
    });

    it("an oversized upload: 413 PAYLOAD_TOO_LARGE and nothing stored, whether declared or streamed", async () => {
      const [documents, blobs] = [await countDocuments(), blobFiles().length];
      const declared = await upload(tokens.lawyer, randomBytes(MAX_UPLOAD + 1));
      expect([declared.status, declared.body.error.code]).to.deep.equal([413, "PAYLOAD_TOO_LARGE"]);
      const streamed = await upload(tokens.lawyer, chunked(randomBytes(MAX_UPLOAD + SEGMENT), 64 * 1024));
      expect([streamed.status, streamed.body.error.code]).to.deep.equal([413, "PAYLOAD_TOO_LARGE"]);
      await waitFor(() => temporaryFiles().length === 0, "the temporary file to be removed");
      expect([await countDocuments(), blobFiles().length]).to.deep.equal([documents, blobs]);
      // Exactly the limit is accepted.
      expect((await upload(tokens.lawyer, chunked(randomBytes(MAX_UPLOAD), 64 * 1024))).status).to.equal(201);
    });
  });

  describe("deletion (crypto-shredding)", () => {
    it("the uploader deletes: key and blob destroyed, tombstone with the SHA-256, then 410 DOCUMENT_DELETED", async () => {
      const data = randomBytes(2 * SEGMENT);
      const { id } = (await upload(tokens.platform, data)).body;
      const path = await blobPathOf(id);
      const deleted = await call<DocumentReply>(system.url, "DELETE", `/cases/${caseId}/documents/${id}`, {
        token: tokens.platform,
      });
      expect(deleted.status).to.equal(200);
      expect(deleted.body).to.include({ status: "deleted", sha256: sha256(data), size: data.length });
      const row = await system.gateway.context.db.get("SELECT * FROM documents WHERE id = ?", [id]);
      expect(row).to.include({ wrapped_key: null, blob_id: null, kek_id: null, sha256: sha256(data) });
      expect(existsSync(path)).to.equal(false);

      const read = await content(tokens.platform, id);
      expect([read.status, ((await read.json()) as ErrorReply).error.code]).to.deep.equal([410, "DOCUMENT_DELETED"]);
      const described = await call<DocumentReply>(system.url, "GET", `/cases/${caseId}/documents/${id}`, {
        token: tokens.borrower,
      });
      expect(described.body).to.include({ status: "deleted", sha256: sha256(data) });
      const again = await call<ErrorReply>(system.url, "DELETE", `/cases/${caseId}/documents/${id}`, {
        token: tokens.platform,
      });
      expect([again.status, again.body.error.code]).to.deep.equal([410, "DOCUMENT_DELETED"]);
      const last = (await trail()).filter((e) => e.documentId === id).map((e) => e.action);
      expect(last).to.deep.equal(["upload", "delete"]);
    });

    it("another party may not delete it (403 DELETE_NOT_ALLOWED, audited); the case's lawyer may", async () => {
      const { id } = (await upload(tokens.platform, randomBytes(10))).body;
      const refused = await call<ErrorReply>(system.url, "DELETE", `/cases/${caseId}/documents/${id}`, {
        token: tokens.borrower,
      });
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, "DELETE_NOT_ALLOWED"]);
      const outsider = await call<ErrorReply>(system.url, "DELETE", `/cases/${caseId}/documents/${id}`, {
        token: tokens.outsider,
      });
      expect([outsider.status, outsider.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      expect((await content(tokens.borrower, id)).status).to.equal(200);
      const byLawyer = await call<DocumentReply>(system.url, "DELETE", `/cases/${caseId}/documents/${id}`, {
        token: tokens.lawyer,
      });
      expect([byLawyer.status, byLawyer.body.status]).to.deep.equal([200, "deleted"]);
      const actions = (await trail()).filter((e) => e.documentId === id).map((e) => [e.action, e.actor]);
      expect(actions).to.deep.equal([
        ["upload", wallets.platform.address],
        ["delete_refused", wallets.borrower.address],
        ["delete_refused", wallets.outsider.address],
        ["read", wallets.borrower.address],
        ["delete", wallets.lawyer.address],
      ]);
    });
  });

  describe("the key-encryption key", () => {
    it("is a 32-byte file readable by its owner only, in a directory only its owner can enter", () => {
      const file = join(system.dataDir, "keys", "kek.key");
      expect(statSync(file).size).to.equal(32);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(statSync(join(system.dataDir, "keys")).mode & 0o777).to.equal(0o700);
    });

    it("documents survive a restart with the same key; another key stops the gateway at start-up", async () => {
      const data = randomBytes(70_000);
      const { id } = (await upload(tokens.lawyer, data)).body;
      await system.restart();
      const token = await signIn(system.url, wallets.lawyer);
      tokens.lawyer = token;
      expect(Buffer.from(await (await content(token, id)).arrayBuffer()).equals(data)).to.equal(true);

      const wrong = loadConfig({
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HEJIE_"))),
        HEJIE_DATA_DIR: system.dataDir,
        HEJIE_PORT: "0",
        HEJIE_RPC_URL: system.anvil.url,
        HEJIE_REGISTRY_ADDRESS: system.config.contracts.registry,
        HEJIE_EVIDENCE_ADDRESS: system.config.contracts.evidence,
        HEJIE_ACCESS_MANAGER_ADDRESS: system.config.contracts.accessManager,
        HEJIE_CASE_REGISTRY_ADDRESS: system.config.contracts.caseRegistry,
        HEJIE_RELAYER_KEY: system.config.relayerKey,
        HEJIE_KEK: `0x${randomBytes(32).toString("hex")}`,
        HEJIE_LOG_LEVEL: "silent",
      });
      let failure: unknown;
      await startGateway(wrong).then(
        (running) => running.close(),
        (error: unknown) => (failure = error),
      );
      expect(failure).to.be.instanceOf(Error);
      expect((failure as Error).name).to.equal("KekMismatchError");
    });
  });
});
