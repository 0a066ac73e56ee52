/**
 * The key hierarchy: every document has its own random 256-bit data key (DEK); DEKs are stored only
 * wrapped by the key-encryption key (KEK), which never enters the database.
 *
 * - KEK: the operator's `HEJIE_KEK`, or else the 32-byte file `<dataDir>/keys/kek.key`, created on
 *   first start with owner-only permissions (directory 0700, file 0600). A key file readable by
 *   anyone else stops the gateway, as ssh refuses a loose private key.
 * - Wrapping: AES-256-GCM under the KEK with a random 96-bit nonce and the document id as associated
 *   data; stored as nonce ‖ ciphertext ‖ tag (12 + 32 + 16 = 60 bytes). A wrapped key moved to another
 *   document's row fails to unwrap.
 * - KEK id: the first 16 bytes of HMAC-SHA-256(KEK, "hejie/kek-id/v1"), hex. The database records the
 *   id of the KEK its keys are wrapped under, so a gateway started with another KEK stops at start-up
 *   with a clear message instead of failing on every read (and never decrypts garbage: GCM would
 *   refuse anyway). Each document row records its KEK id too, ready for a future rotation.
 */
import { constants } from "node:fs";
import { chmod, mkdir, open, stat } from "node:fs/promises";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { join } from "node:path";

import type { Db } from "../../db/database.js";

export const DATA_KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
export const WRAPPED_KEY_LENGTH = NONCE_LENGTH + DATA_KEY_LENGTH + TAG_LENGTH;
const WRAP_CONTEXT = "hejie/document-key/v1:";

/** A wrapped key does not open under this KEK (wrong KEK, or the row was altered or moved). */
export class KeyUnwrapError extends Error {
  override readonly name = "KeyUnwrapError";
}

/** The configured KEK is not the one the data directory's documents were wrapped under. */
export class KekMismatchError extends Error {
  override readonly name = "KekMismatchError";
}

export class KeyEncryptionKey {
  /** Identifies the KEK without revealing it. */
  readonly id: string;
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError("the key-encryption key must be 32 bytes");
    this.key = Buffer.from(key);
    this.id = createHmac("sha256", this.key).update("hejie/kek-id/v1").digest().subarray(0, 16).toString("hex");
  }

  /** A fresh random data key for one document. */
  static newDataKey(): Buffer {
    return randomBytes(DATA_KEY_LENGTH);
  }

  wrap(dataKey: Uint8Array, documentId: string): Buffer {
    if (dataKey.length !== DATA_KEY_LENGTH) throw new RangeError("a data key is 32 bytes");
    const nonce = randomBytes(NONCE_LENGTH);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    cipher.setAAD(Buffer.from(WRAP_CONTEXT + documentId, "utf8"));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
  }

  unwrap(wrapped: Uint8Array, documentId: string): Buffer {
    const bytes = Buffer.from(wrapped);
    if (bytes.length !== WRAPPED_KEY_LENGTH) throw new KeyUnwrapError(`a wrapped key is ${WRAPPED_KEY_LENGTH} bytes`);
    const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, NONCE_LENGTH));
    decipher.setAAD(Buffer.from(WRAP_CONTEXT + documentId, "utf8"));
    decipher.setAuthTag(bytes.subarray(NONCE_LENGTH + DATA_KEY_LENGTH));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_LENGTH, NONCE_LENGTH + DATA_KEY_LENGTH)),
        decipher.final(),
      ]);
    } catch {
      throw new KeyUnwrapError(
        `The key of document ${documentId} does not unwrap under KEK ${this.id}: wrong KEK, or the key was altered.`,
      );
    }
  }
}

/** Where the default KEK lives. */
export const kekPath = (dataDir: string) => join(dataDir, "keys", "kek.key");

/**
 * The operator's KEK (hex) when given, else the key file in the data directory, created on first use
 * with owner-only permissions. Throws with a clear message on a malformed or loosely protected file.
 */
export async function loadKek(dataDir: string, configured: `0x${string}` | undefined): Promise<KeyEncryptionKey> {
  if (configured !== undefined) return new KeyEncryptionKey(Buffer.from(configured.slice(2), "hex"));
  const dir = join(dataDir, "keys");
  const file = kekPath(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  try {
    // O_EXCL: two gateways starting at once cannot both create (and one overwrite) the key.
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      const key = randomBytes(32);
      await handle.writeFile(key);
      await handle.sync();
      return new KeyEncryptionKey(key);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `The key-encryption key file ${file} is accessible to other users (mode ${(info.mode & 0o777).toString(8)}): ` +
        `run \`chmod 600 ${file}\`.`,
    );
  }
  const handle = await open(file, "r");
  try {
    const key = await handle.readFile();
    if (key.length !== 32) throw new Error(`The key-encryption key file ${file} must hold exactly 32 bytes.`);
    return new KeyEncryptionKey(key);
  } finally {
    await handle.close();
  }
}

/**
 * Records the KEK's id on first start; on later starts, refuses a different KEK (`KekMismatchError`).
 */
export async function checkKek(db: Db, kek: KeyEncryptionKey, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await tx.get<{ kek_id: string }>("SELECT kek_id FROM document_keyring WHERE id = 1");
    if (row === undefined) {
      await tx.run("INSERT INTO document_keyring (id, kek_id, created_at) VALUES (1, ?, ?)", [kek.id, now]);
    } else if (row.kek_id !== kek.id) {
      throw new KekMismatchError(
        `The configured key-encryption key (id ${kek.id}) is not the one this data directory's documents are ` +
          `wrapped under (id ${row.kek_id}). Start with the original HEJIE_KEK or keys/kek.key.`,
      );
    }
  });
}
