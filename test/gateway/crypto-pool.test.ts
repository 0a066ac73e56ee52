/**
 * The upload crypto pool (server/components/documents/crypto-pool.ts): in worker threads and in the
 * calling thread, `sealUpload` must yield exactly the `stream-aead.ts` format (the download path
 * decrypts it), report the plaintext's size and SHA-256, refuse an upload past the limit, and keep
 * concurrent uploads in one worker apart.
 */
import { createHash, randomBytes } from "node:crypto";

import { expect } from "chai";

import {
  CryptoPool,
  type SealResult,
  UploadTooLargeError,
  sealUpload,
} from "../../server/components/documents/crypto-pool.js";
import { openAll } from "../../server/components/documents/stream-aead.js";

const KiB = 1024;

/** `data` as a stream of `chunk`-byte pieces, as a request body arrives. */
async function* pieces(data: Buffer, chunk: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += chunk) {
    yield data.subarray(offset, offset + chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function seal(pool: CryptoPool | undefined, key: Buffer, data: Buffer, maxBytes = 1 << 30) {
  const result: SealResult = { size: 0, sha256: undefined };
  const parts: Buffer[] = [];
  for await (const part of sealUpload(pool, key, pieces(data, 64 * KiB), result, maxBytes)) parts.push(part);
  return { blob: Buffer.concat(parts), result };
}

describe("gateway: upload crypto pool", function () {
  let pool: CryptoPool;

  before(() => {
    pool = new CryptoPool(2);
  });
  after(async () => {
    await pool.close();
  });

  for (const [label, size] of [
    ["empty", 0],
    ["one byte", 1],
    ["exactly one 256 KiB batch", 256 * KiB],
    ["several batches and a partial segment", 1300 * KiB + 7],
  ] as const) {
    it(`${label}: the worker's blob decrypts to the upload, with its size and SHA-256; the same in thread`, async () => {
      const data = randomBytes(size);
      const key = randomBytes(32);
      for (const where of [pool, undefined]) {
        const { blob, result } = await seal(where, key, data);
        expect(openAll(key, blob).equals(data), where === undefined ? "in thread" : "in a worker").to.equal(true);
        expect(result.size).to.equal(size);
        expect(result.sha256!.toString("hex")).to.equal(createHash("sha256").update(data).digest("hex"));
      }
    });
  }

  it("concurrent uploads through the same workers stay apart", async () => {
    const uploads = Array.from({ length: 6 }, () => ({ key: randomBytes(32), data: randomBytes(700 * KiB) }));
    const sealed = await Promise.all(uploads.map(({ key, data }) => seal(pool, key, data)));
    sealed.forEach(({ blob }, i) => expect(openAll(uploads[i]!.key, blob).equals(uploads[i]!.data)).to.equal(true));
  });

  it("an upload past the limit throws UploadTooLargeError, in a worker and in thread; the pool still works", async () => {
    for (const where of [pool, undefined]) {
      let error: unknown;
      try {
        await seal(where, randomBytes(32), randomBytes(600 * KiB), 512 * KiB);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(UploadTooLargeError);
    }
    const key = randomBytes(32);
    const data = randomBytes(300 * KiB);
    expect(openAll(key, (await seal(pool, key, data)).blob).equals(data)).to.equal(true);
  });

  it("a source that fails half-way rejects the upload; the worker serves the next one", async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield randomBytes(512 * KiB);
      throw new Error("client went away");
    }
    const result: SealResult = { size: 0, sha256: undefined };
    let error: unknown;
    try {
      for await (const _ of sealUpload(pool, randomBytes(32), broken(), result, 1 << 30)) void _;
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal("client went away");
    expect(result.sha256).to.equal(undefined);
    const key = randomBytes(32);
    const data = randomBytes(100 * KiB);
    expect(openAll(key, (await seal(pool, key, data)).blob).equals(data)).to.equal(true);
  });

  it("refuses an upload once closed, starting no worker (one would outlive the gateway's stop)", async () => {
    const closing = new CryptoPool(1);
    await seal(closing, randomBytes(32), randomBytes(KiB));
    await closing.close();
    const started = (closing as unknown as { workers: unknown[] }).workers;
    let error: unknown;
    try {
      await seal(closing, randomBytes(32), randomBytes(KiB));
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.contain("pool is closed");
    expect(started).to.deep.equal([]);
  });
});
