/**
 * Disclosure grants and the audit log over real HTTP, on a real chain: a grant signed by a party lets
 * its grantee read one document until it expires or is revoked; forged grants and grants by
 * non-parties are refused and audited; the audit log's hash chain verifies, detects an edited row, and
 * its head is anchored on chain through the EvidenceRegistry.
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import type { LocalAccount } from "viem";

import { grantAnchorer } from "../../deploy/anchorer.js";
import { EvidenceKind } from "../../protocol/enums.js";
import { Roles } from "../../protocol/roles.js";
import { disclosureDomain, disclosureGrantTypes, eip712DomainType } from "../../protocol/typed-data.js";
import { GENESIS_HASH, entryHash } from "../../server/components/documents/audit.js";
import { call, signIn } from "../../protocol/gateway-client.js";
import { type System, startSystem, wallets } from "./harness.js";

type ErrorReply = { error: { code: string; message: string; details?: Record<string, unknown> } };
interface GrantReply {
  id: string;
  granter: string;
  grantee: string;
  expiresAt: number;
  state: string;
  revokedBy: string | null;
}
interface AuditReply {
  sequence: number;
  at: number;
  actor: string | null;
  action: string;
  caseId: string | null;
  documentId: string | null;
  details: Record<string, never>;
  prevHash: string;
  hash: string;
}
interface VerifyReply {
  valid: boolean;
  entries: number;
  head: { sequence: number; hash: string } | null;
  brokenAt?: { sequence: number; reason: string };
  latestAnchor: { sequence: number; hash: string; onChain: boolean } | null;
}

const HOUR = 3600;

describe("gateway: disclosure grants and the audit log", function () {
  this.timeout(180_000);
  /** The gateway's clock: tests move it forward instead of waiting. */
  const clock = { time: Date.now(), now: () => clock.time };
  const nowSeconds = () => Math.floor(clock.time / 1000);
  let system: System;
  let caseId: string;
  let documentId: string;
  let otherDocumentId: string;
  const data = randomBytes(70_000);
  let tokens: Record<"lawyer" | "platform" | "borrower" | "outsider" | "court", string>;

  const path = (id = documentId) => `/cases/${caseId}/documents/${id}`;
  const read = async (token: string, id = documentId) => {
    const response = await fetch(`${system.url}${path(id)}/content`, { headers: { authorization: `Bearer ${token}` } });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      body,
      error: response.ok ? undefined : (JSON.parse(body.toString()) as ErrorReply),
    };
  };
  const trail = async () =>
    (await call<AuditReply[]>(system.url, "GET", `/cases/${caseId}/audit?limit=1000`, { token: tokens.lawyer })).body;

  /** A grant signed by `signer` (claiming `granter`, by default the signer itself). */
  async function signedGrant(
    signer: LocalAccount,
    options: { grantee?: string; expiresAt?: number; granter?: string; documentId?: string } = {},
  ) {
    const message = {
      caseId: caseId as `0x${string}`,
      documentId: (options.documentId ?? documentId) as `0x${string}`,
      grantee: (options.grantee ?? wallets.spare1.address) as `0x${string}`,
      expiresAt: options.expiresAt ?? nowSeconds() + HOUR,
      salt: `0x${randomBytes(32).toString("hex")}` as `0x${string}`,
    };
    const domain = disclosureDomain(system.hejie.chainId, system.config.contracts.registry);
    const signature = await signer.signTypedData({
      domain: { ...domain, verifyingContract: domain.verifyingContract as `0x${string}` },
      types: disclosureGrantTypes,
      primaryType: "DisclosureGrant",
      message,
    });
    return {
      granter: options.granter ?? signer.address,
      grantee: message.grantee,
      expiresAt: message.expiresAt,
      salt: message.salt,
      signature,
    };
  }
  const submit = (token: string, grant: object, id = documentId) =>
    call<GrantReply & ErrorReply>(system.url, "POST", `${path(id)}/grants`, { token, json: grant });

  before(async () => {
    system = await startSystem({ clock });
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      platform: await signIn(system.url, wallets.platform),
      borrower: await signIn(system.url, wallets.borrower),
      outsider: await signIn(system.url, wallets.outsider),
      // A court: no key on the chain, no party of the case; signs in with its wallet like anyone.
      court: await signIn(system.url, wallets.spare1),
    };
    caseId = (
      await call<{ id: string }>(system.url, "POST", "/cases", {
        token: tokens.lawyer,
        json: { title: "Two platforms", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
      })
    ).body.id;
    const upload = (bytes: Buffer) =>
      call<{ id: string }>(system.url, "POST", `/cases/${caseId}/documents?name=statement.pdf&kind=repayment_record`, {
        token: tokens.platform,
        body: bytes,
        contentType: "application/pdf",
      });
    documentId = (await upload(data)).body.id;
    otherDocumentId = (await upload(randomBytes(100))).body.id;
  });
  after(async () => {
    await system?.stop();
  });

  describe("disclosure grants", () => {
    let grantId: string;

    it("a party signs the typed data the gateway serves; the grantee submits it and reads that one document", async () => {
      const expiresAt = nowSeconds() + HOUR;
      const typed = await call<{
        domain: { name: string; version: string; chainId: number; verifyingContract: `0x${string}` };
        types: Record<string, { name: string; type: string }[]>;
        message: { grantee: `0x${string}`; expiresAt: number; salt: `0x${string}` };
      }>(system.url, "GET", `${path()}/grants/typed-data?grantee=${wallets.spare1.address}&expiresAt=${expiresAt}`, {
        token: tokens.borrower,
      });
      expect(typed.status).to.equal(200);
      expect(typed.body.domain).to.deep.equal({
        name: "Hejie Gateway",
        version: "1",
        chainId: 31337,
        verifyingContract: system.config.contracts.registry,
      });
      // What eth_signTypedData_v4 wallets need: the EIP712Domain type with the grant's own types.
      expect(typed.body.types).to.deep.equal({ EIP712Domain: eip712DomainType, ...disclosureGrantTypes });
      const signature = await wallets.borrower.signTypedData({
        domain: typed.body.domain,
        types: typed.body.types,
        primaryType: "DisclosureGrant",
        message: typed.body.message as never,
      });
      const submitted = await submit(tokens.court, {
        granter: wallets.borrower.address,
        grantee: wallets.spare1.address,
        expiresAt,
        salt: typed.body.message.salt,
        signature,
      });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
      expect(submitted.body).to.include({
        granter: wallets.borrower.address,
        grantee: wallets.spare1.address,
        expiresAt,
        state: "active",
      });
      grantId = submitted.body.id;

      const got = await read(tokens.court);
      expect(got.status).to.equal(200);
      expect(got.body.equals(data)).to.equal(true);
      const metadata = await call<{ sha256: string }>(system.url, "GET", path(), { token: tokens.court });
      expect(metadata.status).to.equal(200);

      // Only that document, and nothing of the case beyond it.
      const other = await read(tokens.court, otherDocumentId);
      expect([other.status, other.error?.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      const list = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/documents`, { token: tokens.court });
      expect(list.status).to.equal(403);
      const grants = await call<ErrorReply>(system.url, "GET", `${path()}/grants`, { token: tokens.court });
      expect(grants.status).to.equal(403);

      const entries = (await trail()).filter((e) => e.actor === wallets.spare1.address);
      expect(entries.slice(0, 2).map((e) => [e.action, e.details])).to.deep.equal([
        [
          "grant",
          { grantId, granter: wallets.borrower.address, grantee: wallets.spare1.address, expiresAt: expiresAt },
        ],
        ["read", { via: "grant", grantId }],
      ]);
    });

    it("the same signed grant cannot be submitted twice (409 GRANT_EXISTS)", async () => {
      const grant = await signedGrant(wallets.lawyer);
      expect((await submit(tokens.lawyer, grant)).status).to.equal(201);
      const again = await submit(tokens.court, grant);
      expect([again.status, again.body.error.code]).to.deep.equal([409, "GRANT_EXISTS"]);
    });

    it("once the grant expires the grantee is refused (403 GRANT_EXPIRED, audited)", async () => {
      clock.time += 2 * HOUR * 1000;
      const refused = await read(tokens.court);
      expect([refused.status, refused.error?.error.code]).to.deep.equal([403, "GRANT_EXPIRED"]);
      const metadata = await call<ErrorReply>(system.url, "GET", path(), { token: tokens.court });
      expect([metadata.status, metadata.body.error.code]).to.deep.equal([403, "GRANT_EXPIRED"]);
      const last = (await trail()).at(-1)!;
      expect([last.action, last.actor, last.details]).to.deep.equal([
        "read_refused",
        wallets.spare1.address,
        { what: "metadata", reason: "grant_expired" },
      ]);
      const listed = await call<GrantReply[]>(system.url, "GET", `${path()}/grants`, { token: tokens.platform });
      expect(listed.body.find((g) => g.id === grantId)?.state).to.equal("expired");
    });

    it("a revoked grant is refused (403 GRANT_REVOKED); any party may revoke, once", async () => {
      const submitted = await submit(tokens.court, await signedGrant(wallets.lawyer));
      expect(submitted.status).to.equal(201);
      expect((await read(tokens.court)).status).to.equal(200);
      // The platform revokes the lawyer's grant.
      const revoked = await call<GrantReply>(system.url, "DELETE", `${path()}/grants/${submitted.body.id}`, {
        token: tokens.platform,
      });
      expect(revoked.status).to.equal(200);
      expect(revoked.body).to.include({ state: "revoked", revokedBy: wallets.platform.address });
      const refused = await read(tokens.court);
      expect([refused.status, refused.error?.error.code]).to.deep.equal([403, "GRANT_REVOKED"]);
      const again = await call<ErrorReply>(system.url, "DELETE", `${path()}/grants/${submitted.body.id}`, {
        token: tokens.borrower,
      });
      expect([again.status, again.body.error.code]).to.deep.equal([409, "GRANT_ALREADY_REVOKED"]);
      // The grantee cannot revoke (or un-revoke) anything.
      const byGrantee = await call<ErrorReply>(system.url, "DELETE", `${path()}/grants/${submitted.body.id}`, {
        token: tokens.court,
      });
      expect([byGrantee.status, byGrantee.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      const actions = (await trail()).slice(-4).map((e) => [e.action, e.actor]);
      expect(actions).to.deep.equal([
        ["read", wallets.spare1.address],
        ["revoke", wallets.platform.address],
        ["read_refused", wallets.spare1.address],
        ["revoke_refused", wallets.spare1.address],
      ]);
    });

    it("a forged grant is refused (403 GRANT_SIGNATURE_INVALID, audited): wrong signer, or altered terms", async () => {
      const before = (await trail()).length;
      // The outsider signs, claiming the borrower granted.
      const forged = await signedGrant(wallets.outsider, { granter: wallets.borrower.address });
      const refused = await submit(tokens.court, forged);
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, "GRANT_SIGNATURE_INVALID"]);
      // The borrower's real signature, with a later expiry or another document substituted.
      const real = await signedGrant(wallets.borrower);
      const extended = await submit(tokens.court, { ...real, expiresAt: real.expiresAt + 1000 });
      expect([extended.status, extended.body.error.code]).to.deep.equal([403, "GRANT_SIGNATURE_INVALID"]);
      const moved = await submit(tokens.court, real, otherDocumentId);
      expect([moved.status, moved.body.error.code]).to.deep.equal([403, "GRANT_SIGNATURE_INVALID"]);
      const entries = (await trail()).slice(before);
      expect(entries.map((e) => [e.action, e.details.reason])).to.deep.equal([
        ["grant_refused", "bad_signature"],
        ["grant_refused", "bad_signature"],
        ["grant_refused", "bad_signature"],
      ]);
      expect((await read(tokens.court)).status).to.equal(403);
    });

    it("a grant by a non-party is refused (403 GRANT_NOT_BY_PARTY, audited), however well signed", async () => {
      const grant = await signedGrant(wallets.outsider);
      const refused = await submit(tokens.outsider, grant);
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, "GRANT_NOT_BY_PARTY"]);
      const last = (await trail()).at(-1)!;
      expect([last.action, last.actor, last.details.reason]).to.deep.equal([
        "grant_refused",
        wallets.outsider.address,
        "granter_not_a_party",
      ]);
      expect((await read(tokens.court)).status).to.equal(403);
    });

    it("refuses grants that are already expired, too long, or to the granter itself (400)", async () => {
      const past = await submit(tokens.lawyer, await signedGrant(wallets.lawyer, { expiresAt: nowSeconds() - 1 }));
      expect([past.status, past.body.error.code]).to.deep.equal([400, "GRANT_ALREADY_EXPIRED"]);
      const long = await submit(
        tokens.lawyer,
        await signedGrant(wallets.lawyer, { expiresAt: nowSeconds() + 366 * 24 * HOUR }),
      );
      expect([long.status, long.body.error.code]).to.deep.equal([400, "GRANT_TOO_LONG"]);
      const self = await submit(tokens.lawyer, await signedGrant(wallets.lawyer, { grantee: wallets.lawyer.address }));
      expect([self.status, self.body.error.code]).to.deep.equal([400, "GRANT_TO_SELF"]);
      const malformed = await submit(tokens.lawyer, { ...(await signedGrant(wallets.lawyer)), grantee: "0x1234" });
      expect([malformed.status, malformed.body.error.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
    });

    it("a deleted document cannot be read through a grant (410) nor granted again (410)", async () => {
      const target = otherDocumentId;
      expect(
        (await submit(tokens.court, await signedGrant(wallets.borrower, { documentId: target }), target)).status,
      ).to.equal(201);
      expect((await read(tokens.court, target)).status).to.equal(200);
      const deleted = await call(system.url, "DELETE", path(target), { token: tokens.lawyer });
      expect(deleted.status).to.equal(200);
      const gone = await read(tokens.court, target);
      expect([gone.status, gone.error?.error.code]).to.deep.equal([410, "DOCUMENT_DELETED"]);
      const late = await submit(tokens.court, await signedGrant(wallets.borrower, { documentId: target }), target);
      expect([late.status, late.body.error.code]).to.deep.equal([410, "DOCUMENT_DELETED"]);
    });
  });

  describe("the audit log", () => {
    it("each entry's hash is SHA-256 over the previous hash and the canonical entry, from 32 zero bytes", async () => {
      const verified = await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.borrower });
      expect(verified.body.valid).to.equal(true);
      expect(verified.body.entries).to.be.greaterThan(10);
      // This test's gateway has one case, so the case's trail is the whole log: recompute it independently.
      const entries = await trail();
      expect(entries.length).to.equal(verified.body.entries);
      let previous = GENESIS_HASH;
      for (const [i, entry] of entries.entries()) {
        expect(entry.sequence).to.equal(i + 1);
        expect(entry.prevHash).to.equal(previous);
        expect(entryHash(previous, entry.sequence, entry as never)).to.equal(entry.hash);
        previous = entry.hash;
      }
      expect(verified.body.head).to.deep.equal({ sequence: entries.length, hash: previous });
    });

    it("anchors the head on chain once the relayer holds ANCHORER; EvidenceRegistry.getAnchor finds it", async () => {
      const platform = await call<ErrorReply>(system.url, "POST", "/audit/anchors", { token: tokens.platform });
      expect([platform.status, platform.body.error.code]).to.deep.equal([403, "ANCHOR_NOT_ALLOWED"]);
      const unpermitted = await call<ErrorReply>(system.url, "POST", "/audit/anchors", { token: tokens.lawyer });
      expect([unpermitted.status, unpermitted.body.error.code]).to.deep.equal([503, "ANCHOR_NOT_PERMITTED"]);

      // What operators do once: ANCHORER's admin is the registry, so the AccessManager's admin takes the
      // role's administration for a moment, grants it to the relayer, and hands it back.
      const { accessManager } = system.hejie;
      await expect(accessManager.grantRole(Roles.ANCHORER, wallets.relayer.address, 0)).to.be.revertedWithCustomError(
        accessManager,
        "AccessManagerUnauthorizedAccount",
      );
      await grantAnchorer(accessManager, wallets.relayer.address);
      expect(await accessManager.getRoleAdmin(Roles.ANCHORER)).to.equal(Roles.MEMBER_REGISTRY);

      const head = (await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.lawyer })).body.head!;
      const anchored = await call<{ sequence: number; hash: string; txHash: string; blockNumber: number }>(
        system.url,
        "POST",
        "/audit/anchors",
        { token: tokens.lawyer },
      );
      expect(anchored.status, JSON.stringify(anchored.body)).to.equal(201);
      expect(anchored.body).to.include({ sequence: head.sequence, hash: head.hash });

      const onChain = await system.hejie.evidence.getAnchor(head.hash);
      expect(onChain.anchoredAt).to.be.greaterThan(0n);
      expect(onChain.submitter).to.equal(wallets.relayer.address);
      expect(onChain.kind).to.equal(BigInt(EvidenceKind.Other));
      expect(onChain.blockNumber).to.equal(BigInt(anchored.body.blockNumber));
      const receipt = await system.hejie.ethers.provider.getTransactionReceipt(anchored.body.txHash);
      expect(receipt?.status).to.equal(1);

      // Idempotent: the same head is not anchored twice.
      const again = await call<{ txHash: string }>(system.url, "POST", "/audit/anchors", { token: tokens.lawyer });
      expect([again.status, again.body.txHash]).to.deep.equal([200, anchored.body.txHash]);
      const verified = await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.lawyer });
      expect(verified.body.valid).to.equal(true);
      expect(verified.body.latestAnchor).to.include({ sequence: head.sequence, hash: head.hash, onChain: true });
    });

    it("detects an edited entry, and a whole rewritten chain against the anchor", async () => {
      const db = system.gateway.context.db;
      // Add entries after the anchor.
      expect((await read(tokens.borrower)).status).to.equal(200);
      const entries = await trail();
      const victim = entries.find((e) => e.action === "read" && e.details.via === "grant")!;
      const original = await db.get<{ details: string }>("SELECT details FROM audit_log WHERE sequence = ?", [
        victim.sequence,
      ]);

      // 1. Someone with the database edits one entry: its hash no longer matches.
      await db.run("UPDATE audit_log SET actor = ? WHERE sequence = ?", [wallets.lawyer.address, victim.sequence]);
      const edited = await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.lawyer });
      expect(edited.body.valid).to.equal(false);
      expect(edited.body.brokenAt).to.deep.equal({
        sequence: victim.sequence,
        reason: "the entry's content does not match its hash",
      });

      // 2. They recompute every hash from there on: the links hold, but the anchored entry changed.
      const rows = await db.all<Record<string, string | number | null>>(
        "SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence",
        [victim.sequence],
      );
      let previous = String(rows[0]!.prev_hash);
      for (const row of rows) {
        const hash = entryHash(previous, Number(row.sequence), {
          at: Number(row.at),
          actor: row.actor as string | null,
          action: row.action as never,
          caseId: row.case_id as string | null,
          documentId: row.document_id as string | null,
          details: JSON.parse(String(row.details)) as never,
        });
        await db.run("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE sequence = ?", [
          previous,
          hash,
          Number(row.sequence),
        ]);
        previous = hash;
      }
      const rewritten = await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.lawyer });
      expect(rewritten.body.valid).to.equal(false);
      expect(rewritten.body.brokenAt?.reason).to.equal("the entry differs from the hash anchored on chain");

      // 3. They also rewrite the local anchor record: the chain does not know that hash.
      const anchored = (await db.get<{ sequence: number }>("SELECT sequence FROM audit_anchors"))!.sequence;
      const forged = await db.get<{ hash: string }>("SELECT hash FROM audit_log WHERE sequence = ?", [anchored]);
      await db.run("UPDATE audit_anchors SET hash = ? WHERE sequence = ?", [forged!.hash, anchored]);
      const relinked = await call<VerifyReply>(system.url, "GET", "/audit/verify", { token: tokens.lawyer });
      expect(relinked.body.valid).to.equal(false);
      expect(relinked.body.latestAnchor?.onChain).to.equal(false);
      expect(original).to.not.equal(undefined);
    });
  });
});
