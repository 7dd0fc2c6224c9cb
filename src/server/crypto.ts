/**
 * Secrets at rest: AES-256-GCM under host-supplied data keys, each ciphertext tagged with the id of the key
 * that sealed it, so keys can rotate while old rows stay readable. API keys are found through an HMAC index
 * (one per data key), never by scanning or decrypting. The primitives are the platform's (`cipher.ts`).
 */
import { platformCipherSuite, type CipherSuite, type DerivedKeys } from './cipher.js';

/** A 32-byte data key: raw bytes, or base64/base64url text of them (e.g. `openssl rand -base64 32`). */
export type DataKeyMaterial = Uint8Array | string;

/** The host's data keys: every id that may still seal a row, and the one new rows are sealed with. */
export interface DataKeyring {
  /** The id new and re-encrypted rows are sealed with. */
  currentKeyId: string;
  /** Every key that may still be found in the store, by id (`[A-Za-z0-9_-]{1,64}`). */
  keys: Readonly<Record<string, DataKeyMaterial>>;
}

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The associated data of the decoy: no account id can be it (ids are never empty, this has a NUL). */
export const DECOY_CONTEXT = '\u0000decoy';
const IV_BYTES = 12;
const defaultSuite = platformCipherSuite();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const MAKE_A_DATA_KEY = 'make one with `openssl rand -base64 32` and keep it in your secret store';

/**
 * The 32 bytes of a data key, or an error naming `dataKeys.keys["<id>"]` and how to make a right value. Text is
 * base64 or base64url (padding optional) and nothing else: a hex key, a passphrase or a key cut short would
 * otherwise decode to some other number of bytes and fail only at the first request.
 */
export function dataKeyBytes(id: string, material: DataKeyMaterial): Uint8Array<ArrayBuffer> {
  const option = `dataKeys.keys[${JSON.stringify(id)}]`;
  if (material instanceof Uint8Array) {
    if (material.byteLength !== 32) {
      throw new Error(
        `${option}: a data key is 32 bytes (AES-256), these are ${material.byteLength}; ${MAKE_A_DATA_KEY}.`,
      );
    }
    return notAllZero(option, new Uint8Array(material));
  }
  if (typeof material !== 'string') {
    throw new Error(`${option}: give the key as base64 text or as 32 bytes (a Uint8Array); ${MAKE_A_DATA_KEY}.`);
  }
  const text = material.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new Error(
      `${option}: this looks like 32 bytes in hexadecimal (\`openssl rand -hex 32\`); give base64 instead (${MAKE_A_DATA_KEY}), or pass the bytes: Buffer.from(hex, 'hex').`,
    );
  }
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? fromBase64Url(text.replace(/=+$/, '')) : null;
  if (bytes?.byteLength !== 32) {
    const got = bytes ? `${bytes.byteLength} bytes` : 'text that is not base64';
    throw new Error(`${option}: a data key is 32 bytes (AES-256) as base64, got ${got}; ${MAKE_A_DATA_KEY}.`);
  }
  return notAllZero(option, bytes);
}

/** A key of 32 zero bytes is a placeholder left in, never a secret. */
function notAllZero(option: string, bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (bytes.every((byte) => byte === 0)) throw new Error(`${option}: this key is all zero bytes; ${MAKE_A_DATA_KEY}.`);
  return bytes;
}

/** Checks a keyring, naming the option at fault: ids, the current id, and every key (see `dataKeyBytes`). */
export function checkDataKeyring(keyring: DataKeyring): Map<string, Uint8Array<ArrayBuffer>> {
  if (typeof keyring !== 'object' || keyring === null || typeof keyring.keys !== 'object' || keyring.keys === null) {
    throw new Error(
      "dataKeys: give { currentKeyId: '2026-01', keys: { '2026-01': '<32 bytes, base64>' } }; " + `${MAKE_A_DATA_KEY}.`,
    );
  }
  const ids = Object.keys(keyring.keys);
  for (const id of ids) {
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(
        `dataKeys.keys: the key id ${JSON.stringify(id)} must be 1–64 characters of A–Z, a–z, 0–9, _ and -.`,
      );
    }
  }
  if (typeof keyring.currentKeyId !== 'string' || !Object.hasOwn(keyring.keys, keyring.currentKeyId)) {
    throw new Error(
      `dataKeys.currentKeyId: ${JSON.stringify(keyring.currentKeyId)} is not one of the keyring's ids (${ids.map((id) => JSON.stringify(id)).join(', ') || 'none'}); name the key new secrets are sealed with.`,
    );
  }
  return new Map(ids.map((id) => [id, dataKeyBytes(id, keyring.keys[id] as DataKeyMaterial)]));
}

/** What a sealed value is stored as: the key id beside the `iv || ciphertext+tag` text. */
export interface SealedValue {
  keyId: string;
  ciphertext: string;
}

/** Seals and opens values, and computes lookup indexes, with a keyring. */
export class SecretBox {
  readonly currentKeyId: string;
  private readonly keys = new Map<string, Promise<DerivedKeys>>();
  private sealedDecoy?: Promise<SealedValue>;

  constructor(keyring: DataKeyring, suite: CipherSuite = defaultSuite) {
    const keys = checkDataKeyring(keyring);
    this.currentKeyId = keyring.currentKeyId;
    for (const [id, bytes] of keys) this.keys.set(id, suite.derive(bytes));
  }

  /**
   * A sealed stand-in secret: what `authenticate-token` opens for an unknown API key (or a row with no grace
   * window), so that it does the same AES-GCM work whatever the key — the answer's time tells nothing.
   */
  decoy(): Promise<SealedValue> {
    this.sealedDecoy ??= this.seal(`dskey_${toBase64Url(crypto.getRandomValues(new Uint8Array(24)))}`, DECOY_CONTEXT);
    return this.sealedDecoy;
  }

  /** Resolves once every key of the keyring is imported; rejects if the platform refuses one. */
  async imported(): Promise<void> {
    await Promise.all(this.keys.values());
  }

  /** Every key id, current first: the ids whose index a lookup must try. */
  get keyIds(): string[] {
    return [this.currentKeyId, ...[...this.keys.keys()].filter((id) => id !== this.currentKeyId)];
  }

  /** Seals `plaintext`, bound to `context` (e.g. the account id) so a row's ciphertext cannot be moved to another. */
  async seal(plaintext: string, context: string): Promise<SealedValue> {
    const keys = await this.key(this.currentKeyId);
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await keys.encrypt(iv, encoder.encode(plaintext), encoder.encode(context));
    const joined = new Uint8Array(IV_BYTES + sealed.byteLength);
    joined.set(iv);
    joined.set(sealed, IV_BYTES);
    return { keyId: this.currentKeyId, ciphertext: toBase64Url(joined) };
  }

  /** Opens a sealed value; throws if the key is unknown, the context differs or the ciphertext was altered. */
  async open(value: SealedValue, context: string): Promise<string> {
    const keys = await this.key(value.keyId);
    const joined = fromBase64Url(value.ciphertext);
    const plain = await keys.decrypt(joined.subarray(0, IV_BYTES), joined.subarray(IV_BYTES), encoder.encode(context));
    return decoder.decode(plain);
  }

  /** The lookup index of `value` under one key id (HMAC-SHA-256, base64url). */
  async index(value: string, keyId = this.currentKeyId): Promise<string> {
    const keys = await this.key(keyId);
    return toBase64Url(await keys.mac(encoder.encode(value)));
  }

  /** The lookup index of `value` under every key id, current first. */
  async indexes(value: string): Promise<string[]> {
    return Promise.all(this.keyIds.map((id) => this.index(value, id)));
  }

  private key(id: string): Promise<DerivedKeys> {
    const pair = this.keys.get(id);
    if (!pair) throw new Error(`Unknown data key id "${id}": add it to the keyring to read rows sealed with it.`);
    return pair;
  }
}

/** SHA-256 of text, base64url: how request bodies are remembered for idempotent replays. */
export async function sha256(text: string): Promise<string> {
  return toBase64Url(await defaultSuite.sha256(encoder.encode(text)));
}

/**
 * Compares a secret with a candidate in constant time: every character of the stored secret is compared
 * whatever the candidate is, so the time depends only on the stored secret's length (fixed: `dskey_` + 32).
 */
export function secretsMatch(expected: string, given: string): boolean {
  let difference = expected.length ^ given.length;
  for (let index = 0; index < expected.length; index++) {
    difference |= expected.charCodeAt(index) ^ (given.charCodeAt(index) | 0);
  }
  return difference === 0;
}

/** A fresh random keyring with one key: for tests, demos and throwaway servers (secrets die with it). */
export function ephemeralKeyring(): DataKeyring {
  return { currentKeyId: 'ephemeral', keys: { ephemeral: crypto.getRandomValues(new Uint8Array(32)) } };
}
