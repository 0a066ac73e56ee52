/**
 * The salted agreement-document hash (protocol/agreement-document.ts): keccak256 of the document's
 * SHA-256 and a 32-byte salt, packed — what the parties sign as `documentHash` and what a court
 * recomputes from the file and the salt.
 */
import { createHash } from "node:crypto";

import { expect } from "chai";
import { solidityPackedKeccak256 } from "ethers";

import { agreementDocumentHash, newDocumentSalt } from "../protocol/agreement-document.js";

const sha256 = (data: string) => `0x${createHash("sha256").update(data).digest("hex")}`;

describe("protocol: the salted agreement-document hash", () => {
  it("is keccak256(sha256 ‖ salt), as abi.encodePacked(bytes32, bytes32) hashes it", () => {
    const digest = sha256("和解协议 / settlement agreement");
    const salt = newDocumentSalt();
    expect(agreementDocumentHash(digest, salt)).to.equal(
      solidityPackedKeccak256(["bytes32", "bytes32"], [digest, salt]),
    );
  });

  it("matches a fixed vector (so every implementation can check itself)", () => {
    const digest = sha256("abc"); // 0xba7816bf…15ad
    const salt = `0x${"00".repeat(31)}01`;
    expect(digest).to.equal("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(agreementDocumentHash(digest, salt)).to.equal(
      "0x533fadf149290caf20880aa9b1f3aa1d4a5f59f500b9a972fa1c4610f702b0a3",
    );
    expect(agreementDocumentHash(digest.toUpperCase().replace("0X", "0x"), salt)).to.equal(
      agreementDocumentHash(digest, salt),
    );
  });

  it("a fresh salt each time: the same document gets unrelated hashes", () => {
    const digest = sha256("the same file");
    const salts = new Set(Array.from({ length: 16 }, () => newDocumentSalt()));
    expect(salts.size).to.equal(16);
    const hashes = new Set([...salts].map((salt) => agreementDocumentHash(digest, salt)));
    expect(hashes.size).to.equal(16);
    for (const salt of salts) expect(salt).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("refuses anything but two 32-byte hex values", () => {
    const digest = sha256("x");
    expect(() => agreementDocumentHash(digest.slice(0, 64), newDocumentSalt())).to.throw(TypeError, /sha256/);
    expect(() => agreementDocumentHash(digest, "0x1234")).to.throw(TypeError, /salt/);
    expect(() => agreementDocumentHash(digest.slice(2), newDocumentSalt())).to.throw(TypeError);
  });
});
