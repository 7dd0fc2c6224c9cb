/**
 * The primitives secrets at rest are sealed with — HKDF-SHA-256, AES-256-GCM, HMAC-SHA-256 and SHA-256 — from
 * `node:crypto` where the platform has it (Node, Bun, Deno), else from Web Crypto (browsers, Workers). The same
 * algorithms give the same bytes either way, so either opens what the other sealed. `node:crypto` answers in
 * place; each Web Crypto call is a job sent to the thread pool and awaited, which made up most of an
 * authentication's own work (docs/performance.md).
 */
import type * as NodeCrypto from 'node:crypto';

/** One data key's two derived keys (one to seal, one to index), as the operations on them. */
export interface DerivedKeys {
  /** AES-256-GCM: the ciphertext with its 16-byte tag after it, as Web Crypto writes it. */
  encrypt(iv: Bytes, plaintext: Bytes, context: Bytes): Uint8Array | Promise<Uint8Array>;
  /** The plaintext; throws when the tag does not match (another key or context, or altered bytes). */
  decrypt(iv: Bytes, sealed: Bytes, context: Bytes): Uint8Array | Promise<Uint8Array>;
  /** HMAC-SHA-256. */
  mac(data: Bytes): Uint8Array | Promise<Uint8Array>;
}

/** Bytes over a plain `ArrayBuffer`: what Web Crypto takes. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface CipherSuite {
  /** The keys derived (HKDF-SHA-256, a zero salt, one label each) from a 32-byte data key. */
  derive(dataKey: Bytes): Promise<DerivedKeys>;
  sha256(data: Bytes): Uint8Array | Promise<Uint8Array>;
}

const SALT = new Uint8Array(32);
const encoder = new TextEncoder();
const AES_LABEL = encoder.encode('ipos-credentials/aes-256-gcm');
const HMAC_LABEL = encoder.encode('ipos-credentials/hmac-index');
const TAG_BYTES = 16;

/** The suite over `node:crypto`: every call synchronous. */
export function nodeCipherSuite(node: typeof NodeCrypto): CipherSuite {
  const derived = (dataKey: Bytes, label: Bytes) =>
    node.createSecretKey(new Uint8Array(node.hkdfSync('sha256', dataKey, SALT, label, 32)));
  return {
    async derive(dataKey) {
      const aes = derived(dataKey, AES_LABEL);
      const hmac = derived(dataKey, HMAC_LABEL);
      return {
        encrypt(iv, plaintext, context) {
          const cipher = node.createCipheriv('aes-256-gcm', aes, iv, { authTagLength: TAG_BYTES }).setAAD(context);
          return joined(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
        },
        decrypt(iv, sealed, context) {
          // The tag's length is fixed, so that a shortened tag is refused rather than checked on fewer bytes.
          if (sealed.byteLength < TAG_BYTES) throw new Error('The sealed value is shorter than its tag.');
          const decipher = node
            .createDecipheriv('aes-256-gcm', aes, iv, { authTagLength: TAG_BYTES })
            .setAAD(context)
            .setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
          return joined(decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES)), decipher.final());
        },
        mac: (data) => node.createHmac('sha256', hmac).update(data).digest(),
      };
    },
    sha256: (data) => node.createHash('sha256').update(data).digest(),
  };
}

/** The suite over Web Crypto: non-extractable keys, every call a promise. */
export const webCipherSuite: CipherSuite = {
  async derive(dataKey) {
    const master = await crypto.subtle.importKey('raw', dataKey, 'HKDF', false, ['deriveKey']);
    const derive = (info: Bytes, algorithm: AesKeyGenParams | HmacKeyGenParams, usages: KeyUsage[]) =>
      crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info }, master, algorithm, false, usages);
    const [aes, hmac] = await Promise.all([
      derive(AES_LABEL, { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
      derive(HMAC_LABEL, { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
    ]);
    return {
      encrypt: async (iv, plaintext, context) =>
        new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: context }, aes, plaintext)),
      decrypt: async (iv, sealed, context) =>
        new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: context }, aes, sealed)),
      mac: async (data) => new Uint8Array(await crypto.subtle.sign('HMAC', hmac, data)),
    };
  },
  sha256: async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data)),
};

function joined(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** `node:crypto` when the platform has it (found at run time, so that a browser bundle never asks for it). */
export function platformCipherSuite(): CipherSuite {
  const platform = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const node = platform?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
  return node ? nodeCipherSuite(node) : webCipherSuite;
}
