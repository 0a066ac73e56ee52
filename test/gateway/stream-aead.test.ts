/**
 * The segmented AES-256-GCM construction of encrypted documents (server/components/documents/stream-aead.ts):
 * round trips at the sizes where segmentation has edge cases, and every kind of tampering a stored
 * blob can suffer, each of which must fail rather than release plaintext.
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";

import {
  HEADER_LENGTH,
  SegmentDecryptor,
  SegmentEncryptor,
  StreamIntegrityError,
  TAG_LENGTH,
  encryptedSize,
  openAll,
  sealAll,
} from "../../server/components/documents/stream-aead.js";

const SEGMENT = 1024; // small segments keep "many segments" cheap; the format does not depend on the size
const SEALED = SEGMENT + TAG_LENGTH;

function expectIntegrityError(action: () => unknown, failure?: StreamIntegrityError["failure"]) {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(StreamIntegrityError);
    if (failure !== undefined) expect((error as StreamIntegrityError).failure).to.equal(failure);
    return error as StreamIntegrityError;
  }
  expect.fail("expected a StreamIntegrityError");
}

/** Feeds `data` to a decryptor in chunks of `chunk` bytes and returns what it released before failing. */
function releasedBeforeFailure(key: Buffer, data: Buffer, chunk: number): { released: Buffer; error?: unknown } {
  const decryptor = new SegmentDecryptor(key);
  const released: Buffer[] = [];
  try {
    for (let i = 0; i < data.length; i += chunk) released.push(...decryptor.push(data.subarray(i, i + chunk)));
    released.push(...decryptor.finish());
    return { released: Buffer.concat(released) };
  } catch (error) {
    return { released: Buffer.concat(released), error };
  }
}

describe("documents: segmented AES-256-GCM (STREAM)", () => {
  const key = randomBytes(32);

  describe("round trips", () => {
    const sizes = {
      "0 bytes": 0,
      "1 byte": 1,
      "one byte short of a segment": SEGMENT - 1,
      "exactly one segment": SEGMENT,
      "one segment and one byte": SEGMENT + 1,
      "exactly three segments": 3 * SEGMENT,
      "many segments and a partial one": 37 * SEGMENT + 123,
    };
    for (const [label, size] of Object.entries(sizes)) {
      it(`${label} (${size} B), whole and fed in odd chunks`, () => {
        const plaintext = randomBytes(size);
        const sealed = sealAll(key, plaintext, SEGMENT);
        expect(sealed.length).to.equal(encryptedSize(size, SEGMENT));
        expect(openAll(key, sealed).equals(plaintext)).to.equal(true);
        // Feed both sides in chunk sizes unrelated to the segment size.
        const encryptor = new SegmentEncryptor(key, SEGMENT);
        const parts: Buffer[] = [];
        for (let i = 0; i < size; i += 333) parts.push(...encryptor.push(plaintext.subarray(i, i + 333)));
        parts.push(...encryptor.finish());
        const { released, error } = releasedBeforeFailure(key, Buffer.concat(parts), 517);
        expect(error).to.equal(undefined);
        expect(released.equals(plaintext)).to.equal(true);
      });
    }

    it("the default 64 KiB segments over 1 MiB + 5 bytes", () => {
      const plaintext = randomBytes(1024 * 1024 + 5);
      const sealed = sealAll(key, plaintext);
      expect(sealed.length).to.equal(HEADER_LENGTH + plaintext.length + 17 * TAG_LENGTH);
      expect(openAll(key, sealed).equals(plaintext)).to.equal(true);
    });

    it("two encryptions of the same plaintext differ (random nonce prefix)", () => {
      const plaintext = randomBytes(100);
      expect(sealAll(key, plaintext, SEGMENT).equals(sealAll(key, plaintext, SEGMENT))).to.equal(false);
    });

    it("a decryptor releases a segment only once it is known verified, never more", () => {
      const plaintext = randomBytes(3 * SEGMENT);
      const sealed = sealAll(key, plaintext, SEGMENT);
      const decryptor = new SegmentDecryptor(key);
      // Header and two whole segments: the first is released; the second is held back (it might be the last).
      const released = decryptor.push(sealed.subarray(0, HEADER_LENGTH + 2 * SEALED));
      expect(Buffer.concat(released).equals(plaintext.subarray(0, SEGMENT))).to.equal(true);
      expect(decryptor.verifiedSegments).to.equal(1);
    });
  });

  describe("tampering", () => {
    const plaintext = randomBytes(4 * SEGMENT + 100); // segments 0..3 full, segment 4 last (100 B)
    const sealed = sealAll(key, plaintext, SEGMENT);
    const segmentAt = (i: number) => HEADER_LENGTH + i * SEALED;

    it("a flipped bit anywhere (header, every segment's body and tag) fails, releasing nothing unverified", () => {
      const positions = [0, 3, 5, 9, HEADER_LENGTH - 1];
      for (let i = 0; i < 5; i += 1) positions.push(segmentAt(i), segmentAt(i) + 50, segmentAt(i) + 99);
      positions.push(sealed.length - 1, segmentAt(2) + SEALED - 1);
      for (const position of positions) {
        const bad = Buffer.from(sealed);
        bad[position]! ^= 0x01;
        const { released, error } = releasedBeforeFailure(key, bad, 700);
        expect(error, `position ${position}`).to.be.instanceOf(StreamIntegrityError);
        // Whatever came out before the failure is a verified prefix of the plaintext, ending before the
        // segment that holds the flipped byte.
        const segment = Math.max(0, Math.floor((position - HEADER_LENGTH) / SEALED));
        expect(released.length, `position ${position}`).to.be.at.most(segment * SEGMENT);
        expect(released.equals(plaintext.subarray(0, released.length))).to.equal(true);
      }
    });

    it("truncation at a segment boundary fails (the new final segment was not sealed as last)", () => {
      for (const segments of [1, 2, 4]) {
        const error = expectIntegrityError(() => openAll(key, sealed.subarray(0, segmentAt(segments))), "segment");
        expect(error.segment).to.equal(segments - 1);
      }
    });

    it("truncation inside a segment, inside a tag, inside or right after the header fails", () => {
      expectIntegrityError(() => openAll(key, sealed.subarray(0, segmentAt(2) + 40)), "segment");
      expectIntegrityError(() => openAll(key, sealed.subarray(0, sealed.length - 1)), "segment");
      expectIntegrityError(() => openAll(key, sealed.subarray(0, sealed.length - 8)), "segment");
      expectIntegrityError(() => openAll(key, sealed.subarray(0, HEADER_LENGTH + 10)), "truncated");
      expectIntegrityError(() => openAll(key, sealed.subarray(0, HEADER_LENGTH)), "truncated");
      expectIntegrityError(() => openAll(key, sealed.subarray(0, 7)), "truncated");
      expectIntegrityError(() => openAll(key, Buffer.alloc(0)), "truncated");
    });

    it("an empty document's blob without its one (empty) segment fails", () => {
      const empty = sealAll(key, Buffer.alloc(0), SEGMENT);
      expect(empty.length).to.equal(HEADER_LENGTH + TAG_LENGTH);
      expect(openAll(key, empty).length).to.equal(0);
      expectIntegrityError(() => openAll(key, empty.subarray(0, HEADER_LENGTH)), "truncated");
    });

    it("swapped, duplicated or dropped segments fail", () => {
      const seg = (i: number) => sealed.subarray(segmentAt(i), segmentAt(i) + SEALED);
      const header = sealed.subarray(0, HEADER_LENGTH);
      const tail = sealed.subarray(segmentAt(4));
      const swapped = Buffer.concat([header, seg(1), seg(0), seg(2), seg(3), tail]);
      const duplicated = Buffer.concat([header, seg(0), seg(0), seg(1), seg(2), seg(3), tail]);
      const dropped = Buffer.concat([header, seg(0), seg(2), seg(3), tail]);
      for (const bad of [swapped, duplicated, dropped]) expectIntegrityError(() => openAll(key, bad), "segment");
    });

    it("data appended after the last segment fails (the real last segment is then opened as non-final)", () => {
      expectIntegrityError(() => openAll(key, Buffer.concat([sealed, randomBytes(SEALED)])), "segment");
      expectIntegrityError(() => openAll(key, Buffer.concat([sealed, randomBytes(3)])), "segment");
    });

    it("a segment from another stream under the same key fails (the nonce prefix differs)", () => {
      const other = sealAll(key, plaintext, SEGMENT);
      const spliced = Buffer.concat([sealed.subarray(0, segmentAt(2)), other.subarray(segmentAt(2))]);
      expectIntegrityError(() => openAll(key, spliced), "segment");
    });

    it("the wrong key fails at the first segment", () => {
      const error = expectIntegrityError(() => openAll(randomBytes(32), sealed), "segment");
      expect(error.segment).to.equal(0);
    });

    it("a header with another version, magic or an implausible segment size fails before any segment", () => {
      const version = Buffer.from(sealed);
      version[3] = 2;
      expectIntegrityError(() => openAll(key, version), "header");
      const magic = Buffer.from(sealed);
      magic[0] = 0x00;
      expectIntegrityError(() => openAll(key, magic), "header");
      const huge = Buffer.from(sealed);
      huge.writeUInt32BE(0xffffffff, 4);
      expectIntegrityError(() => openAll(key, huge), "header");
      // A plausible but different segment size is caught by the authenticated header.
      const resized = Buffer.from(sealed);
      resized.writeUInt32BE(SEGMENT * 2, 4);
      expectIntegrityError(() => openAll(key, resized), "segment");
    });
  });
});
