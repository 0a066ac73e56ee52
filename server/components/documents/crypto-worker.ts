/**
 * A worker thread of the upload crypto pool (`crypto-pool.ts`): SHA-256 and the segmented
 * AES-256-GCM encryption of `stream-aead.ts` for many uploads at once, off the event loop.
 *
 * Messages in (processed in order): `open` (an upload and its data key), `push` (plaintext, its
 * buffer transferred), `finish`, `abort`. Each `push` and `finish` is answered, in order, with the
 * sealed bytes (one transferred buffer) and, for `finish`, the plaintext's SHA-256.
 *
 * Only erasable TypeScript syntax and a computed import: the file runs under tsx, under Node's own
 * type stripping, or compiled to JavaScript.
 */
import { createHash, type Hash } from "node:crypto";
import { parentPort } from "node:worker_threads";

type StreamAead = typeof import("./stream-aead.js");

const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const { SegmentEncryptor, transferable } = (await import(
  new URL(`./stream-aead${extension}`, import.meta.url).href
)) as StreamAead;

export type WorkerRequest =
  | { type: "open"; id: number; key: Uint8Array }
  | { type: "push"; id: number; data: ArrayBuffer }
  | { type: "finish"; id: number }
  | { type: "abort"; id: number };

export type WorkerReply = { id: number; sealed: ArrayBuffer; sha256?: Uint8Array } | { id: number; error: string };

interface Upload {
  encryptor: InstanceType<StreamAead["SegmentEncryptor"]>;
  hash: Hash;
}

const uploads = new Map<number, Upload>();
const port = parentPort!;

port.on("message", (request: WorkerRequest) => {
  const { id } = request;
  try {
    if (request.type === "open") {
      uploads.set(id, { encryptor: new SegmentEncryptor(request.key), hash: createHash("sha256") });
      Buffer.from(request.key.buffer, request.key.byteOffset, request.key.length).fill(0);
      return;
    }
    if (request.type === "abort") {
      uploads.delete(id);
      return;
    }
    const upload = uploads.get(id);
    if (upload === undefined) throw new Error(`no upload ${id} in this worker`);
    if (request.type === "push") {
      const data = Buffer.from(request.data);
      upload.hash.update(data);
      const sealed = transferable(upload.encryptor.push(data));
      port.postMessage({ id, sealed } satisfies WorkerReply, [sealed]);
      return;
    }
    uploads.delete(id);
    const sealed = transferable(upload.encryptor.finish());
    const sha256 = upload.hash.digest();
    port.postMessage({ id, sealed, sha256 } satisfies WorkerReply, [sealed]);
  } catch (error) {
    uploads.delete(id);
    port.postMessage({ id, error: (error as Error).message } satisfies WorkerReply);
  }
});
