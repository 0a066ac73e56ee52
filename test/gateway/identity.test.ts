/**
 * Sign-in with a wallet over real HTTP: every party kind, an ERC-1271 contract wallet, and every way
 * a sign-in or a session is refused (forged, foreign, replayed, edited, expired, signed out, rate
 * limited elsewhere); what the chain says about a wallet, including a revocation seen once the cache
 * expires. Time is a manual clock passed to the gateway (sessions, challenges, the member cache).
 */
import { expect } from "chai";
import { hexlify, randomBytes } from "ethers";
import { type Hex, hashMessage } from "viem";
import { createSiweMessage, parseSiweMessage } from "viem/siwe";

import { AccountKind, Licence } from "../../protocol/enums.js";
import { Roles } from "../../protocol/roles.js";
import { commitment, deployMultisig, ownerSignatures, type Multisig } from "../helpers/hejie.js";
import { expectError } from "./assertions.js";
import { call, challengeFor, postSignIn, signIn } from "../../protocol/gateway-client.js";
import { ManualClock, type System, startSystem, wallets } from "./harness.js";
import { SESSION_CACHE_MS } from "../../server/components/identity/sessions.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

interface Me {
  address: string;
  key: { accountId: number; role?: string; status: string; nonce: number };
  account?: { kind: string; licence: string; status: string };
}

describe("gateway: sign-in with a wallet", function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let system: System;
  let multisig: Multisig;

  const me = (token: string) => call<Me>(system.url, "GET", "/auth/me", { token });
  const sessionCount = async (address: string) =>
    Number(
      (await system.gateway.context.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE address = ?", [
        address,
      ]))!.n,
    );

  before(async () => {
    // Many sign-ins in one minute here: the rate limiter has its own test (api-quality.test.ts).
    system = await startSystem({ clock, env: { HEJIE_SIGN_IN_RATE_LIMIT: "1000" } });
    const { hejie } = system;
    // A regulator (spare2), and a 2-of-3 multisig wallet as a further PLATFORM key of the platform.
    await (
      await hejie.members.admitMember(
        AccountKind.Regulator,
        Licence.None,
        commitment("regulator"),
        wallets.spare2.address,
      )
    ).wait();
    multisig = await deployMultisig(hejie, 2, 3);
    await (await hejie.members.addKey(hejie.ids.platform, multisig.address, Roles.PLATFORM)).wait();
  });
  after(async () => {
    await system?.stop();
  });

  it("each party kind signs in, and the chain — not the request — says what the wallet is", async () => {
    const expected = [
      [wallets.borrower, "BORROWER", "Borrower"],
      [wallets.platform, "PLATFORM", "Platform"],
      [wallets.oracle, "ORACLE", "Platform"],
      [wallets.lawyer, "LAWYER", "Lawyer"],
      [wallets.committee, "COMMITTEE", "CommitteeMember"],
      [wallets.spare2, "REGULATOR", "Regulator"],
    ] as const;
    for (const [wallet, role, kind] of expected) {
      const token = await signIn(system.url, wallet);
      const answer = await me(token);
      expect(answer.status, role).to.equal(200);
      expect(answer.body.address).to.equal(wallet.address);
      expect(answer.body.key, role).to.include({ role, status: "Active" });
      expect(answer.body.account, role).to.include({ kind, status: "Active" });
    }
  });

  it("a wallet that is no member signs in (a disclosure grant may name it) and is shown as nobody", async () => {
    // A claimed role in the request is ignored: the challenge body is only an address.
    const challenge = await call<{ message: string }>(system.url, "POST", "/auth/challenge", {
      json: { address: wallets.outsider.address, role: "LAWYER", accountId: 1 },
    });
    expect(challenge.status).to.equal(200);
    const signature = await wallets.outsider.signMessage({ message: challenge.body.message });
    const session = await postSignIn(system.url, challenge.body.message, signature);
    expect(session.status).to.equal(200);
    const answer = await me(session.body.token);
    expect(answer.body.key).to.deep.equal({ accountId: 0, status: "None", nonce: 0 });
    expect(answer.body).not.to.have.property("account");
  });

  it("a contract wallet (2-of-3 multisig, ERC-1271) signs in with two owners' signatures", async () => {
    const message = await challengeFor(system.url, multisig.address);
    // The gateway (viem's verifySiweMessage → verifyHash) asks the wallet isValidSignature(hash, sig)
    // with the EIP-191 hash of the message; this wallet checks its owners' signatures of exactly that
    // hash, concatenated in increasing owner order.
    const digest = hashMessage(message);
    const [first, second, third] = multisig.owners as [
      Multisig["owners"][0],
      Multisig["owners"][0],
      Multisig["owners"][0],
    ];

    // Refused, and nothing consumed: one owner (below the threshold), owners out of order, and owners
    // who signed the message itself (EIP-191 again) instead of its hash.
    for (const signature of [
      ownerSignatures(digest, [first]),
      ownerSignatures(digest, [third, first]),
      ownerSignatures(hashMessage(digest), [first, second]),
    ]) {
      expectError(await postSignIn(system.url, message, signature), 401, "SIWE_BAD_SIGNATURE");
    }

    const session = await postSignIn(system.url, message, ownerSignatures(digest, [first, third]));
    expect(session.status, JSON.stringify(session.body)).to.equal(200);
    expect(session.body.address).to.equal(multisig.address);
    const answer = await me(session.body.token);
    expect(answer.body.key).to.include({
      role: "PLATFORM",
      status: "Active",
      accountId: Number(system.hejie.ids.platform),
    });
    expect(answer.body.account).to.include({ kind: "Platform" });
  });

  it("refuses a forged signature (SIWE_BAD_SIGNATURE) and consumes nothing", async () => {
    const message = await challengeFor(system.url, wallets.platform.address);
    const genuine = await wallets.platform.signMessage({ message });
    const tampered = `${genuine.slice(0, 10)}${genuine[10] === "0" ? "1" : "0"}${genuine.slice(11)}` as Hex;
    for (const signature of [hexlify(randomBytes(65)), tampered, `0x${"00".repeat(65)}`, "0x1234"]) {
      expectError(await postSignIn(system.url, message, signature), 401, "SIWE_BAD_SIGNATURE");
    }
    const before = await sessionCount(wallets.platform.address);
    expect((await postSignIn(system.url, message, genuine)).status).to.equal(200);
    expect(await sessionCount(wallets.platform.address)).to.equal(before + 1);
  });

  it("refuses a signature by another wallet (SIWE_BAD_SIGNATURE)", async () => {
    const message = await challengeFor(system.url, wallets.lawyer.address);
    const before = await sessionCount(wallets.lawyer.address);
    const othersBefore = await sessionCount(wallets.outsider.address);
    for (const other of [wallets.outsider, wallets.platform, wallets.registrar]) {
      expectError(
        await postSignIn(system.url, message, await other.signMessage({ message })),
        401,
        "SIWE_BAD_SIGNATURE",
      );
    }
    expect(await sessionCount(wallets.lawyer.address)).to.equal(before);
    expect(await sessionCount(wallets.outsider.address)).to.equal(othersBefore);
  });

  it("refuses a replayed sign-in (SIWE_NONCE_USED), even when both arrive at once", async () => {
    const message = await challengeFor(system.url, wallets.borrower.address);
    const signature = await wallets.borrower.signMessage({ message });
    expect((await postSignIn(system.url, message, signature)).status).to.equal(200);
    expectError(await postSignIn(system.url, message, signature), 401, "SIWE_NONCE_USED");

    const racing = await challengeFor(system.url, wallets.borrower.address);
    const racingSignature = await wallets.borrower.signMessage({ message: racing });
    const answers = await Promise.all([1, 2, 3].map(() => postSignIn(system.url, racing, racingSignature)));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 401, 401]);
    for (const refused of answers.filter((a) => a.status === 401)) expectError(refused, 401, "SIWE_NONCE_USED");
  });

  it("refuses a message the gateway did not issue (SIWE_UNKNOWN_CHALLENGE), or not a sign-in message", async () => {
    const issued = await challengeFor(system.url, wallets.lawyer.address);
    const edits = [
      issued.replace(
        /^Expiration Time: .*$/m,
        `Expiration Time: ${new Date(clock.now() + 365 * 24 * HOUR).toISOString()}`,
      ),
      issued.replace(/^Chain ID: .*$/m, "Chain ID: 1"),
      issued.replace(/^[^\n]* wants you to sign in/, "evil.example wants you to sign in"),
      issued.replace(/^URI: .*$/m, "URI: https://evil.example"),
      issued.replace("Sign in to Hejie", "Sign in to Hejie and approve everything"),
    ];
    for (const edited of edits) {
      expect(edited).not.to.equal(issued);
      expectError(
        await postSignIn(system.url, edited, await wallets.lawyer.signMessage({ message: edited })),
        401,
        "SIWE_UNKNOWN_CHALLENGE",
      );
    }
    // A well-formed message with a nonce this gateway never issued.
    const made = createSiweMessage({
      ...parseSiweMessage(issued),
      address: wallets.lawyer.address,
      chainId: 31337,
      domain: "127.0.0.1:8080",
      uri: "http://127.0.0.1:8080",
      version: "1",
      nonce: "abcdefgh12345678",
    });
    expectError(
      await postSignIn(system.url, made, await wallets.lawyer.signMessage({ message: made })),
      401,
      "SIWE_UNKNOWN_CHALLENGE",
    );
    const text = "I am the lawyer, let me in.";
    expectError(
      await postSignIn(system.url, text, await wallets.lawyer.signMessage({ message: text })),
      400,
      "SIWE_MALFORMED",
    );
    // The issued message itself is still good.
    expect(
      (await postSignIn(system.url, issued, await wallets.lawyer.signMessage({ message: issued }))).status,
    ).to.equal(200);
  });

  it("refuses an expired challenge (SIWE_EXPIRED): ten minutes to sign", async () => {
    const message = await challengeFor(system.url, wallets.committee.address);
    const signature = await wallets.committee.signMessage({ message });
    clock.advance(10 * MINUTE);
    expectError(await postSignIn(system.url, message, signature), 401, "SIWE_EXPIRED");
  });

  it("forgets challenges a day after they expired (the unauthenticated endpoint cannot fill the table)", async () => {
    const old = await challengeFor(system.url, wallets.committee.address);
    const { nonce } = parseSiweMessage(old);
    const count = (n: string) =>
      system.gateway.context.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sign_in_challenges WHERE nonce = ?", [n]);
    expect(Number((await count(nonce!))!.n)).to.equal(1);
    clock.advance(10 * MINUTE + 24 * HOUR + 1);
    await challengeFor(system.url, wallets.committee.address);
    expect(Number((await count(nonce!))!.n)).to.equal(0);
  });

  it("refuses an expired session (SESSION_EXPIRED) once its lifetime (HEJIE_SESSION_TTL_SECONDS) is over", async () => {
    const token = await signIn(system.url, wallets.platform);
    const ttl = system.config.sessionTtlSeconds * SECOND;
    clock.advance(ttl - 1);
    expect((await me(token)).status).to.equal(200);
    clock.advance(1);
    expectError(await me(token), 401, "SESSION_EXPIRED");
    expectError(await call(system.url, "POST", "/auth/sign-out", { token }), 401, "SESSION_EXPIRED");
  });

  it("signs out: the token is refused afterwards (SESSION_INVALID); the wallet's other sessions go on", async () => {
    const first = await signIn(system.url, wallets.lawyer);
    const second = await signIn(system.url, wallets.lawyer);
    const out = await call(system.url, "POST", "/auth/sign-out", { token: first });
    expect([out.status, out.body]).to.deep.equal([204, ""]);
    expectError(await me(first), 401, "SESSION_INVALID");
    expectError(await call(system.url, "POST", "/auth/sign-out", { token: first }), 401, "SESSION_INVALID");
    expect((await me(second)).status).to.equal(200);
  });

  it("a sign-out through another gateway instance on the same database holds here within SESSION_CACHE_MS", async () => {
    const token = await signIn(system.url, wallets.outsider);
    expect((await me(token)).status).to.equal(200); // the session is now cached here
    // Another instance ends it: the row changes, this instance's cache does not know.
    await system.gateway.context.db.run("UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND address = ?", [
      clock.now(),
      wallets.outsider.address,
    ]);
    expect((await me(token)).status).to.equal(200);
    clock.advance(SESSION_CACHE_MS);
    expectError(await me(token), 401, "SESSION_INVALID");
  });

  it("refuses a missing, malformed or unknown bearer token (401); the scheme is case-insensitive", async () => {
    const token = await signIn(system.url, wallets.borrower);
    const withAuthorization = (value: string) =>
      call(system.url, "GET", "/auth/me", { headers: { authorization: value } });
    expectError(await call(system.url, "GET", "/auth/me"), 401, "UNAUTHENTICATED");
    expectError(await withAuthorization(""), 401, "UNAUTHENTICATED");
    for (const garbage of [
      "Bearer",
      "Bearer ",
      `Basic ${Buffer.from("user:pass").toString("base64")}`,
      `Token ${token}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      "Bearer not/a+token==",
      `Bearer ${"A".repeat(5000)}`,
      `Bearer ${token} ${token}`,
    ]) {
      expectError(await withAuthorization(garbage), 401, "SESSION_INVALID");
    }
    expect((await withAuthorization(`bearer ${token}`)).status).to.equal(200);
    expect((await withAuthorization(`BEARER  ${token} `)).status).to.equal(200);
  });

  it("refuses a challenge for a mistyped address: a wrong EIP-55 checksum (400, naming the field)", async () => {
    const mistyped = wallets.platform.address.replace(/[a-f]/, (c) => c.toUpperCase());
    expect(mistyped.toLowerCase()).to.equal(wallets.platform.address.toLowerCase());
    const refused = expectError(
      await call(system.url, "POST", "/auth/challenge", { json: { address: mistyped } }),
      400,
      "VALIDATION_FAILED",
    );
    expect(refused.error.details.issues).to.deep.include({
      field: "body.address",
      message: "has a wrong EIP-55 checksum (mixed case)",
    });
    // All lower case is no checksum, and fine.
    expect(
      (await call(system.url, "POST", "/auth/challenge", { json: { address: mistyped.toLowerCase() } })).status,
    ).to.equal(200);
  });

  it("bad input to the sign-in endpoints is a 4xx naming the problem, never a 500", async () => {
    const message = await challengeFor(system.url, wallets.platform.address);
    const invalid: [path: string, body: unknown, field: string][] = [
      ["/auth/challenge", null, "body"],
      ["/auth/challenge", [], "body"],
      ["/auth/challenge", {}, "body.address"],
      ["/auth/challenge", { address: 42 }, "body.address"],
      ["/auth/challenge", { address: `${wallets.platform.address}00` }, "body.address"],
      ["/auth/sign-in", {}, "body.message"],
      ["/auth/sign-in", { message, signature: "0x" }, "body.signature"],
      ["/auth/sign-in", { message, signature: "0xabc" }, "body.signature"],
      ["/auth/sign-in", { message, signature: `0x${"ab".repeat(4097)}` }, "body.signature"],
      ["/auth/sign-in", { message: "", signature: "0x00" }, "body.message"],
      ["/auth/sign-in", { message: "x".repeat(4097), signature: "0x00" }, "body.message"],
      ["/auth/sign-in", { message: [message], signature: "0x00" }, "body.message"],
    ];
    for (const [path, json, field] of invalid) {
      const refused = expectError(await call(system.url, "POST", path, { json }), 400, "VALIDATION_FAILED");
      const fields = (refused.error.details.issues as { field: string }[]).map((issue) => issue.field);
      expect(fields, `${path} ${JSON.stringify(json)?.slice(0, 60)}`).to.include(field);
    }
    // Well-formed but absurd: the largest signature accepted, of random bytes, for a plain key.
    expectError(await postSignIn(system.url, message, hexlify(randomBytes(4096))), 401, "SIWE_BAD_SIGNATURE");
  });

  it("a key revoked on chain keeps its session, and /auth/me says Revoked once the cache (15 s) expired", async () => {
    const { hejie } = system;
    await (await hejie.members.addKey(hejie.ids.platform, wallets.spare1.address, Roles.PLATFORM)).wait();
    const token = await signIn(system.url, wallets.spare1);
    expect((await me(token)).body.key).to.include({ role: "PLATFORM", status: "Active" });
    await (await hejie.members.revokeKey(wallets.spare1.address)).wait();
    clock.advance(15 * SECOND);
    const answer = await me(token);
    expect(answer.status).to.equal(200);
    expect(answer.body.key).to.include({ status: "Revoked" });
    // Components decide by what the chain says: a revoked PLATFORM key cannot be named in a case.
    const lawyer = await signIn(system.url, wallets.lawyer);
    const refused = expectError(
      await call(system.url, "POST", "/cases", {
        token: lawyer,
        json: { title: "x", borrower: wallets.borrower.address, platforms: [wallets.spare1.address] },
      }),
      400,
      "PARTY_NOT_ELIGIBLE",
    );
    expect(refused.error.details).to.include({ field: "body.platforms.0", status: "Revoked" });
  });
});

describe("gateway: cases", function () {
  this.timeout(120_000);
  let system: System;

  before(async () => {
    system = await startSystem();
  });
  after(async () => {
    await system?.stop();
  });

  it("a lawyer opens a case for a bound borrower and a platform; only its parties read it", async () => {
    const lawyer = await signIn(system.url, wallets.lawyer);
    const opened = await call<{ id: string; parties: { address: string; role: string }[] }>(
      system.url,
      "POST",
      "/cases",
      {
        token: lawyer,
        json: { title: "Renovation loan", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
      },
    );
    expect(opened.status).to.equal(201);
    expect(opened.body.parties.map((p) => p.role)).to.deep.equal(["borrower", "platform", "lawyer"]);
    const borrower = await signIn(system.url, wallets.borrower);
    expect((await call(system.url, "GET", `/cases/${opened.body.id}`, { token: borrower })).status).to.equal(200);
    const outsider = await signIn(system.url, wallets.outsider);
    const refused = await call<{ error: { code: string } }>(system.url, "GET", `/cases/${opened.body.id}`, {
      token: outsider,
    });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
  });

  it("refuses a case whose platform is not an active PLATFORM key, naming the field", async () => {
    const lawyer = await signIn(system.url, wallets.lawyer);
    const refused = await call<{ error: { code: string; details: { field: string } } }>(system.url, "POST", "/cases", {
      token: lawyer,
      json: { title: "x", borrower: wallets.borrower.address, platforms: [wallets.outsider.address] },
    });
    expect([refused.status, refused.body.error.code, refused.body.error.details.field]).to.deep.equal([
      400,
      "PARTY_NOT_ELIGIBLE",
      "body.platforms.0",
    ]);
  });
});

describe("gateway: case membership follows the chain's accounts", function () {
  this.timeout(120_000);
  let system: System;
  let time = Date.now();
  const clock = { now: () => time };

  before(async () => {
    system = await startSystem({ clock });
  });
  after(async () => {
    await system?.stop();
  });

  it("a borrower's rotated key keeps access to the case; the old key loses it once the chain says so", async () => {
    const lawyer = await signIn(system.url, wallets.lawyer);
    const opened = await call<{ id: string }>(system.url, "POST", "/cases", {
      token: lawyer,
      json: { title: "Rotation", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
    });
    const oldKey = await signIn(system.url, wallets.borrower);
    expect((await call(system.url, "GET", `/cases/${opened.body.id}`, { token: oldKey })).status).to.equal(200);

    const borrowerSigner = system.hejie.borrower;
    await (await system.hejie.members.connect(borrowerSigner).rotateKey(wallets.spare1.address)).wait();
    time += 16_000; // past the gateway's cache of what the chain says

    const newKey = await signIn(system.url, wallets.spare1);
    expect((await call(system.url, "GET", `/cases/${opened.body.id}`, { token: newKey })).status).to.equal(200);
    const listed = await call<{ id: string }[]>(system.url, "GET", "/cases", { token: newKey });
    expect(listed.body.map((c) => c.id)).to.include(opened.body.id);
    const refused = await call<{ error: { code: string } }>(system.url, "GET", `/cases/${opened.body.id}`, {
      token: oldKey,
    });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
  });
});
