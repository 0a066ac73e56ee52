/**
 * Upload cryptography off the event loop. SHA-256 and AES-256-GCM of an upload cost about 1.5 ms per
 * MiB of one core: done on the event loop, every upload would stall every other request for that long.
 * The pool runs them in worker threads (`crypto-worker.ts`, the same `stream-aead.ts` code), an
 * upload's bytes going there in batches whose buffers are transferred, not copied, both ways.
 *
 * `sealUpload` is the one entry point: with a pool it pipelines batches through a worker (a few in
 * flight per upload, for backpressure); without one (`HEJIE_CRYPTO_WORKERS=0`) it does the same work
 * in the calling thread. Either way it yields the encrypted blob's bytes in order and reports the
 * plaintext's size and SHA-256.
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

import type { WorkerReply, WorkerRequest } from "./crypto-worker.js";
import { SegmentEncryptor, transferable } from "./stream-aead.js";

/** Plaintext gathered per message to a worker. */
const BATCH_BYTES = 256 * 1024;
/** Batches of one upload in a worker at once: enough to keep it busy while the network delivers more. */
const IN_FLIGHT = 4;

type Pending = { resolve: (reply: { sealed: Buffer; sha256?: Buffer }) => void; reject: (error: Error) => void };

class PoolWorker {
  readonly worker: Worker;
  /** Replies come in request order: one FIFO of waiters per upload. */
  private readonly waiting = new Map<number, Pending[]>();
  uploads = 0;
  dead: Error | undefined;

  constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => {
      const queue = this.waiting.get(reply.id);
      const waiter = queue?.shift();
      if (queue?.length === 0) this.waiting.delete(reply.id);
      if (waiter === undefined) return;
      if ("error" in reply) waiter.reject(new Error(`upload crypto failed: ${reply.error}`));
      else {
        waiter.resolve({
          sealed: Buffer.from(reply.sealed),
          sha256: reply.sha256 === undefined ? undefined : Buffer.from(reply.sha256),
        });
      }
    });
    const fail = (error: Error) => {
      this.dead ??= error;
      for (const queue of this.waiting.values()) for (const waiter of queue) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`upload crypto worker exited (${code})`)));
  }

  send(request: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  request(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<{ sealed: Buffer; sha256?: Buffer }> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(request.id) ?? [];
      queue.push({ resolve, reject });
      this.waiting.set(request.id, queue);
      this.send(request, transfer);
    });
  }
}

export class CryptoPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private readonly url: URL;

  constructor(readonly size: number) {
    const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    this.url = new URL(`./crypto-worker${extension}`, import.meta.url);
  }

  private closed = false;

  /** The least busy live worker (started on first use; a dead one is replaced). */
  private pick(): PoolWorker {
    // A worker started after close() would never be terminated (and would keep the process alive).
    if (this.closed) throw new Error("the upload crypto pool is closed (the gateway is stopping)");
    for (let i = 0; i < this.workers.length; i += 1) {
      if (this.workers[i]!.dead !== undefined) this.workers.splice(i--, 1);
    }
    if (this.workers.length < this.size) this.workers.push(new PoolWorker(this.url));
    return this.workers.reduce((best, worker) => (worker.uploads < best.uploads ? worker : best));
  }

  /** Encrypts one upload in a worker: see `sealUpload`. */
  async *seal(key: Uint8Array, source: AsyncIterable<Uint8Array>, result: SealResult, maxBytes: number) {
    const worker = this.pick();
    const id = this.nextId++;
    worker.uploads += 1;
    // The key is copied into the worker's message (and zeroed there after use).
    worker.send({ type: "open", id, key: Uint8Array.from(key) });
    type Sealed = { sealed: Buffer; sha256?: Buffer };
    const inFlight: { reply: Promise<Sealed>; done: boolean }[] = [];
    let finished = false;
    let batch: Uint8Array[] = [];
    let batched = 0;
    const post = () => {
      const data = transferable(batch);
      batch = [];
      batched = 0;
      const entry = { reply: worker.request({ type: "push", id, data }, [data]), done: false };
      entry.reply.then(
        () => (entry.done = true),
        () => (entry.done = true),
      );
      inFlight.push(entry);
    };
    try {
      for await (const chunk of source) {
        result.size += chunk.length;
        if (result.size > maxBytes) throw new UploadTooLargeError(maxBytes);
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= BATCH_BYTES) {
          post();
          // Hand on what is sealed already (it reaches the disk while more arrives); wait only when
          // too many batches are out.
          while (inFlight.length > 0 && (inFlight[0]!.done || inFlight.length >= IN_FLIGHT)) {
            yield (await inFlight.shift()!.reply).sealed;
          }
        }
      }
      if (batched > 0) post();
      while (inFlight.length > 0) yield (await inFlight.shift()!.reply).sealed;
      const last = await worker.request({ type: "finish", id });
      finished = true;
      result.sha256 = last.sha256!;
      yield last.sealed;
    } finally {
      worker.uploads -= 1;
      if (!finished) {
        for (const pending of inFlight) pending.reply.catch(() => undefined);
        if (worker.dead === undefined) worker.send({ type: "abort", id });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.worker.terminate()));
  }
}

/** What `sealUpload` reports once it has yielded everything. */
export interface SealResult {
  /** Plaintext bytes read. */
  size: number;
  /** SHA-256 of the plaintext (set at the end). */
  sha256: Buffer | undefined;
}

/** The upload is larger than allowed (thrown as soon as the limit is crossed). */
export class UploadTooLargeError extends Error {
  override readonly name = "UploadTooLargeError";
  readonly limit: number;

  constructor(limit: number) {
    super(`the upload exceeds ${limit} bytes`);
    this.limit = limit;
  }
}

/**
 * Reads the plaintext from `source`, at most `maxBytes` of it (`UploadTooLargeError` beyond), and
 * yields the encrypted blob (`stream-aead.ts` format) under `key`; `result` holds the size and the
 * SHA-256 once the last bytes are yielded. In a worker of `pool` when there is one.
 */
export function sealUpload(
  pool: CryptoPool | undefined,
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  result: SealResult,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  return pool === undefined || pool.size === 0
    ? sealInThread(key, source, result, maxBytes)
    : pool.seal(key, source, result, maxBytes);
}

async function* sealInThread(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  result: SealResult,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  const encryptor = new SegmentEncryptor(key);
  const hash = createHash("sha256");
  for await (const chunk of source) {
    result.size += chunk.length;
    if (result.size > maxBytes) throw new UploadTooLargeError(maxBytes);
    hash.update(chunk);
    yield* encryptor.push(chunk);
  }
  yield* encryptor.finish();
  result.sha256 = hash.digest();
}
