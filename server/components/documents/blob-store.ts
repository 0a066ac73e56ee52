/**
 * Where encrypted documents' bytes live. The interface is all the documents component uses, so an
 * S3-compatible object store can implement it later (put = a multipart upload completed only at the
 * end; get = a ranged or streamed GET; delete = DELETE) without touching anything else.
 *
 * `DirectoryBlobStore` (the default) keeps one file per blob under `<dataDir>/blobs/`, sharded by the
 * id's first two hex digits. A put writes to a temporary file under `blobs/tmp/`, fsyncs it, renames it
 * into place and fsyncs the directory: a blob exists under its id only once it is whole and durable,
 * and a failed or aborted put leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";

export interface StoredBlob {
  id: string;
  /** Bytes written. */
  size: number;
}

export interface BlobStore {
  /** Consumes `source` and stores it under a new id; nothing remains stored if `source` fails. */
  put(source: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  /** The blob's bytes; throws `BlobNotFoundError` when there is none. */
  get(id: string): Promise<Readable>;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(id: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
}

const ID_PATTERN = /^[0-9a-f]{32}$/;

export class DirectoryBlobStore implements BlobStore {
  private readonly tmp: string;
  private ready: Promise<void> | undefined;

  constructor(readonly root: string) {
    this.tmp = join(root, "tmp");
  }

  /** The file of blob `id` (exposed for operators' tools and tests). */
  pathOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new BlobNotFoundError(`not a blob id: ${id}`);
    return join(this.root, id.slice(0, 2), id);
  }

  async put(source: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    await this.init();
    const id = randomBytes(16).toString("hex");
    const temporary = join(this.tmp, `${id}.part`);
    const handle = await open(temporary, "wx", 0o600);
    let size = 0;
    // Chunks are gathered into one vectored write per WRITE_BATCH bytes: a write per chunk (segments
    // come as several small buffers) costs a thread-pool round trip each, and they queue behind fsyncs.
    let batch: Uint8Array[] = [];
    let batched = 0;
    const flush = async () => {
      await writeAll(handle, batch, batched);
      batch = [];
      batched = 0;
    };
    try {
      for await (const chunk of source) {
        batch.push(chunk);
        batched += chunk.length;
        size += chunk.length;
        if (batched >= WRITE_BATCH) await flush();
      }
      await flush();
      // The data and the size; the name becomes durable with the directory's fsync after the rename.
      await handle.datasync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    const dir = join(this.root, id.slice(0, 2));
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await rename(temporary, join(dir, id));
      await syncDirectory(dir);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { id, size };
  }

  async get(id: string): Promise<Readable> {
    const path = this.pathOf(id);
    try {
      const handle = await open(path, "r");
      return createReadStream("", { fd: handle, highWaterMark: 256 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(`no blob ${id}`);
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    const path = this.pathOf(id);
    await rm(path, { force: true });
    await syncDirectory(join(this.root, id.slice(0, 2))).catch(() => undefined);
  }

  /**
   * Removes what a crash can leave: temporary files, and blobs that no document references (a crash
   * between a blob becoming durable and its row being committed). Only files older than `graceMs` are
   * touched, so uploads in flight are safe.
   */
  async sweep(isReferenced: (id: string) => Promise<boolean>, graceMs: number, now: number): Promise<string[]> {
    await this.init();
    const removed: string[] = [];
    const old = async (path: string) => now - (await stat(path)).mtimeMs > graceMs;
    for (const name of await readdir(this.tmp)) {
      const path = join(this.tmp, name);
      if (await old(path)) {
        await rm(path, { force: true });
        removed.push(name);
      }
    }
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const id of await readdir(join(this.root, shard))) {
        const path = join(this.root, shard, id);
        if (ID_PATTERN.test(id) && (await old(path)) && !(await isReferenced(id))) {
          await rm(path, { force: true });
          removed.push(id);
        }
      }
    }
    return removed;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.tmp, { recursive: true, mode: 0o700 });
    })();
    return this.ready;
  }
}

const WRITE_BATCH = 256 * 1024;

/** Writes every buffer, resuming after a short write. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], total: number): Promise<void> {
  let remaining = buffers;
  let left = total;
  while (left > 0) {
    const { bytesWritten } = await handle.writev(remaining);
    left -= bytesWritten;
    if (left === 0) return;
    // Drop what was written: whole buffers, then the written part of the next.
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const buffer of remaining) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    remaining = rest;
  }
}

/** fsync a directory, so that a rename or an unlink in it survives a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
