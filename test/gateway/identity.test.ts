import { expect } from "chai";

import { call, signIn } from "./client.js";
import { type System, startSystem, wallets } from "./harness.js";

describe("gateway: sign-in with a wallet", function () {
  this.timeout(120_000);
  let system: System;

  before(async () => {
    system = await startSystem();
  });
  after(async () => {
    await system?.stop();
  });

  it("a platform signs in and the chain says who it is", async () => {
    const token = await signIn(system.url, wallets.platform);
    const me = await call<{ address: string; key: { role: string; status: string }; account: { kind: string } }>(
      system.url,
      "GET",
      "/auth/me",
      { token },
    );
    expect(me.status).to.equal(200);
    expect(me.body.address).to.equal(wallets.platform.address);
    expect(me.body.key).to.include({ role: "PLATFORM", status: "Active" });
    expect(me.body.account.kind).to.equal("Platform");
  });

  it("serves health, the OpenAPI document and its page", async () => {
    expect((await call(system.url, "GET", "/health")).body).to.deep.equal({
      status: "ok",
      checks: { database: "ok", chain: "ok" },
    });
    const openapi = await call<{ openapi: string; paths: Record<string, unknown> }>(system.url, "GET", "/openapi.json");
    expect(openapi.body.openapi).to.equal("3.1.0");
    expect(openapi.body.paths).to.have.property("/auth/sign-in");
    expect((await call(system.url, "GET", "/docs")).body).to.contain("POST /auth/sign-in");
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
