/**
 * Streaming authenticated encryption of documents: the segmented "STREAM" construction (Hoang,
 * Reyhanitabar, Rogaway, Vizár, "Online authenticated-encryption and its nonce-reuse
 * misuse-resistance", 2015), as Tink's AES-GCM-HKDF streaming AEAD and age use it, over AES-256-GCM.
 *
 * One GCM stream over a whole file would check its tag only at the very end: a streaming reader would
 * have released unverified plaintext by then. Here the plaintext is cut into segments of
 * `segmentSize` bytes (the last one shorter, possibly empty), each sealed on its own:
 *
 * ```
 * blob    = header ‖ segment_0 ‖ … ‖ segment_n
 * header  = "HJE" ‖ version (1 byte, = 1) ‖ segmentSize (uint32 BE) ‖ noncePrefix (7 random bytes)   15 bytes
 * segment = AES-256-GCM(key, nonce_i, plaintext_i, aad = header) = ciphertext_i ‖ tag_i (16 bytes)
 * nonce_i = noncePrefix ‖ i (uint32 BE) ‖ last (1 byte: 1 for segment_n, else 0)                     12 bytes
 * ```
 *
 * A decryptor releases a segment's plaintext only after its tag verifies. Because the position and the
 * "last" flag are in the nonce, and the header is authenticated with every segment:
 * - a changed byte anywhere fails that segment's tag (header bytes fail every segment's);
 * - reordered or duplicated segments fail (wrong position in the nonce);
 * - truncation fails: the new final segment was sealed with last = 0, or is cut short;
 * - appended data fails: the real final segment was sealed with last = 1 and is now opened as non-final.
 *
 * Every document has its own random key, so a (key, nonce) pair is never reused; the random prefix
 * keeps that true even if a key were ever reused by mistake.
 *
 * This module imports only `node:crypto` and uses only erasable TypeScript syntax: the upload crypto
 * workers (`crypto-pool.ts`) load it as is, with Node's own type stripping when no loader is present.
 */
import { type CipherGCM, type DecipherGCM, createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export const FORMAT_VERSION = 1;
export const KEY_LENGTH = 32;
export const TAG_LENGTH = 16;
export const NONCE_PREFIX_LENGTH = 7;
export const HEADER_LENGTH = 3 + 1 + 4 + NONCE_PREFIX_LENGTH;
/** Plaintext bytes per segment: 64 KiB. */
export const DEFAULT_SEGMENT_SIZE = 64 * 1024;
/** Segment sizes a decryptor accepts (bounds the memory a forged header could make it reserve). */
export const MIN_SEGMENT_SIZE = 16;
export const MAX_SEGMENT_SIZE = 4 * 1024 * 1024;

const MAGIC = Buffer.from("HJE", "ascii");
const MAX_SEGMENTS = 2 ** 32;

export type IntegrityFailure = "header" | "segment" | "truncated";

/** The blob is not what was sealed: tampered, truncated, reordered, or sealed under another key. */
export class StreamIntegrityError extends Error {
  override readonly name = "StreamIntegrityError";
  readonly failure: IntegrityFailure;
  /** The segment that failed (when a segment failed). */
  readonly segment: number | undefined;

  constructor(failure: IntegrityFailure, message: string, segment?: number) {
    super(message);
    this.failure = failure;
    this.segment = segment;
  }
}

/** The size of the encrypted blob of `plaintextSize` bytes. */
export function encryptedSize(plaintextSize: number, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  const segments = Math.max(1, Math.ceil(plaintextSize / segmentSize));
  return HEADER_LENGTH + plaintextSize + segments * TAG_LENGTH;
}

function nonceOf(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.allocUnsafe(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, NONCE_PREFIX_LENGTH);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_LENGTH) throw new RangeError(`the key must be ${KEY_LENGTH} bytes, not ${key.length}`);
}

/**
 * A FIFO of buffers: `take(n)` hands out the first n bytes as zero-copy slices, so a segment is
 * assembled without concatenating the network's chunks.
 */
class Pending {
  private parts: Buffer[] = [];
  length = 0;

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  take(n: number): Buffer[] {
    const out: Buffer[] = [];
    let needed = n;
    while (needed > 0) {
      const first = this.parts[0]!;
      if (first.length <= needed) {
        out.push(first);
        this.parts.shift();
        needed -= first.length;
      } else {
        out.push(first.subarray(0, needed));
        this.parts[0] = first.subarray(needed);
        needed = 0;
      }
    }
    this.length -= n;
    return out;
  }

  takeAll(): Buffer[] {
    return this.take(this.length);
  }
}

/**
 * Seals a plaintext stream. Feed it with `push` (any chunk sizes) and end with `finish`; each returns
 * the encrypted bytes ready so far (the header comes first). A full segment is held back until more
 * data or the end arrives, because whether it is the last one is part of its nonce.
 */
export class SegmentEncryptor {
  readonly header: Buffer;
  readonly segmentSize: number;
  private readonly key: Buffer;
  private readonly prefix: Buffer;
  private readonly pending = new Pending();
  private counter = 0;
  private headerSent = false;
  private finished = false;

  constructor(key: Uint8Array, segmentSize = DEFAULT_SEGMENT_SIZE) {
    checkKey(key);
    if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
      throw new RangeError(`segment size must be an integer in [${MIN_SEGMENT_SIZE}, ${MAX_SEGMENT_SIZE}]`);
    }
    this.segmentSize = segmentSize;
    this.key = Buffer.from(key);
    this.prefix = randomBytes(NONCE_PREFIX_LENGTH);
    this.header = Buffer.alloc(HEADER_LENGTH);
    MAGIC.copy(this.header, 0);
    this.header[3] = FORMAT_VERSION;
    this.header.writeUInt32BE(segmentSize, 4);
    this.prefix.copy(this.header, 8);
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.finished) throw new Error("push after finish");
    this.pending.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    const out = this.start();
    // Strictly more than a segment: the held-back segment is then known not to be the last.
    while (this.pending.length > this.segmentSize) this.seal(this.pending.take(this.segmentSize), false, out);
    return out;
  }

  finish(): Buffer[] {
    if (this.finished) throw new Error("finish twice");
    this.finished = true;
    const out = this.start();
    this.seal(this.pending.takeAll(), true, out);
    return out;
  }

  private start(): Buffer[] {
    if (this.headerSent) return [];
    this.headerSent = true;
    return [this.header];
  }

  private seal(parts: Buffer[], last: boolean, out: Buffer[]): void {
    if (this.counter >= MAX_SEGMENTS) throw new RangeError("too many segments for one stream");
    const cipher = createCipheriv("aes-256-gcm", this.key, nonceOf(this.prefix, this.counter, last)) as CipherGCM;
    cipher.setAAD(this.header);
    for (const part of parts) out.push(cipher.update(part));
    cipher.final();
    out.push(cipher.getAuthTag());
    this.counter += 1;
  }
}

/**
 * Opens a sealed stream. `push` and `finish` return only verified plaintext: a segment is released
 * once its tag checks out, and any failure throws `StreamIntegrityError` (after which the decryptor
 * is unusable). `finish` fails when the stream ended before its last segment.
 */
export class SegmentDecryptor {
  private readonly key: Buffer;
  private readonly pending = new Pending();
  private header: Buffer | undefined;
  private prefix: Buffer | undefined;
  private segmentSize = 0;
  private counter = 0;
  private failed = false;
  private done = false;

  constructor(key: Uint8Array) {
    checkKey(key);
    this.key = Buffer.from(key);
  }

  /** Segments verified so far. */
  get verifiedSegments(): number {
    return this.counter;
  }

  push(chunk: Uint8Array): Buffer[] {
    this.usable();
    this.pending.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    const out: Buffer[] = [];
    if (this.header === undefined) {
      if (this.pending.length < HEADER_LENGTH) return out;
      this.readHeader(Buffer.concat(this.pending.take(HEADER_LENGTH)));
    }
    const sealed = this.segmentSize + TAG_LENGTH;
    // Strictly more than a sealed segment: the one at the front is then known not to be the last.
    while (this.pending.length > sealed) this.open(this.pending.take(sealed), false, out);
    return out;
  }

  finish(): Buffer[] {
    this.usable();
    this.done = true;
    if (this.header === undefined) {
      this.failed = true;
      throw new StreamIntegrityError("truncated", "The stream ended inside its header.");
    }
    if (this.pending.length < TAG_LENGTH) {
      this.failed = true;
      throw new StreamIntegrityError("truncated", `The stream ended before segment ${this.counter} was complete.`);
    }
    const out: Buffer[] = [];
    this.open(this.pending.takeAll(), true, out);
    return out;
  }

  private usable(): void {
    if (this.failed) throw new Error("the decryptor already failed");
    if (this.done) throw new Error("the decryptor already finished");
  }

  private readHeader(header: Buffer): void {
    const size = header.readUInt32BE(4);
    if (!header.subarray(0, 3).equals(MAGIC) || header[3] !== FORMAT_VERSION) {
      this.failed = true;
      throw new StreamIntegrityError("header", "Not an encrypted document of a known format version.");
    }
    if (size < MIN_SEGMENT_SIZE || size > MAX_SEGMENT_SIZE) {
      this.failed = true;
      throw new StreamIntegrityError("header", `Implausible segment size ${size} in the header.`);
    }
    this.header = header;
    this.segmentSize = size;
    this.prefix = header.subarray(8, 8 + NONCE_PREFIX_LENGTH);
  }

  private open(parts: Buffer[], last: boolean, out: Buffer[]): void {
    if (this.counter >= MAX_SEGMENTS) {
      this.failed = true;
      throw new StreamIntegrityError("segment", "Too many segments.", this.counter);
    }
    // The tag is the last 16 bytes of the sealed segment, possibly split across parts.
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const body = total - TAG_LENGTH;
    const decipher = createDecipheriv(
      "aes-256-gcm",
      this.key,
      nonceOf(this.prefix!, this.counter, last),
    ) as DecipherGCM;
    decipher.setAAD(this.header!);
    const plain: Buffer[] = [];
    const tagParts: Buffer[] = [];
    let offset = 0;
    for (const part of parts) {
      const end = offset + part.length;
      if (end <= body) plain.push(decipher.update(part));
      else if (offset >= body) tagParts.push(part);
      else {
        plain.push(decipher.update(part.subarray(0, body - offset)));
        tagParts.push(part.subarray(body - offset));
      }
      offset = end;
    }
    decipher.setAuthTag(tagParts.length === 1 ? tagParts[0]! : Buffer.concat(tagParts));
    try {
      decipher.final();
    } catch {
      this.failed = true;
      throw new StreamIntegrityError(
        "segment",
        `Segment ${this.counter} failed authentication: the blob was altered, truncated, reordered or sealed under another key.`,
        this.counter,
      );
    }
    this.counter += 1;
    for (const part of plain) if (part.length > 0) out.push(part);
  }
}

/** Seals a whole buffer (tests and small payloads). */
export function sealAll(key: Uint8Array, plaintext: Uint8Array, segmentSize = DEFAULT_SEGMENT_SIZE): Buffer {
  const encryptor = new SegmentEncryptor(key, segmentSize);
  return Buffer.concat([...encryptor.push(plaintext), ...encryptor.finish()]);
}

/** Opens a whole sealed buffer, or throws `StreamIntegrityError`. */
export function openAll(key: Uint8Array, sealed: Uint8Array): Buffer {
  const decryptor = new SegmentDecryptor(key);
  return Buffer.concat([...decryptor.push(sealed), ...decryptor.finish()]);
}

/** One buffer holding `parts`, on an ArrayBuffer of its own (so that it can be transferred to a thread). */
export function transferable(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new ArrayBuffer(total);
  const view = new Uint8Array(out);
  let offset = 0;
  for (const part of parts) {
    view.set(part, offset);
    offset += part.length;
  }
  return out;
}
