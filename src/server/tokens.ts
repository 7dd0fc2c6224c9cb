/**
 * Auth Tokens: RS256 JWTs like iPOSpays', signed with the host's key (PKCS#8 PEM or JWK), or with a
 * key pair made once per server on first use when the host gives none (demos, tests).
 */
import {
  SignJWT,
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { fromBase64Url } from './crypto.js';
import { randomUrlSafe } from './keys.js';

/** The host's RS256 private key: PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`) or a private JWK. */
export interface SigningKeyInput {
  privateKey: string | JWK;
  /** The `kid` put in tokens and the JWKS; default the key's RFC 7638 thumbprint. */
  kid?: string;
}

const MAKE_A_SIGNING_KEY =
  'make one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (a PKCS#8 PEM) and keep it in your secret store';
/** The DER of the rsaEncryption algorithm id (1.2.840.113549.1.1.1), which a PKCS#8 RSA key names. */
const RSA_ENCRYPTION_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/** RS256 keys are 2048 bits or more (RFC 7518 §3.3): a modulus of at least 256 bytes. */
const MIN_MODULUS_BYTES = 256;

/**
 * Checks the host's signing key as far as can be done without importing it, naming the option at fault and
 * how to make a right value: a PKCS#8 PEM of an RSA key (not PKCS#1, not encrypted, not a public key or
 * certificate, line breaks intact), or a private RSA JWK of 2048 bits or more.
 */
export function checkSigningKeyInput(input: SigningKeyInput): void {
  if (typeof input !== 'object' || input === null) {
    throw new Error(
      `signingKey: give { privateKey: '<PEM>' } or { privateKey: <private JWK> }; ${MAKE_A_SIGNING_KEY}.`,
    );
  }
  if (input.kid !== undefined && (typeof input.kid !== 'string' || input.kid.trim() === '')) {
    throw new Error('signingKey.kid: a non-empty string, or leave it out for the key’s RFC 7638 thumbprint.');
  }
  const { privateKey } = input;
  if (typeof privateKey === 'string') return checkPem(privateKey);
  if (typeof privateKey !== 'object' || privateKey === null) {
    throw new Error(`signingKey.privateKey: give PKCS#8 PEM text or a private JWK; ${MAKE_A_SIGNING_KEY}.`);
  }
  if (privateKey.kty !== 'RSA') {
    throw new Error(
      `signingKey.privateKey: tokens are RS256, so the JWK's kty must be "RSA" (it is ${JSON.stringify(privateKey.kty)}); ${MAKE_A_SIGNING_KEY}.`,
    );
  }
  if (typeof privateKey.n !== 'string' || typeof privateKey.e !== 'string' || typeof privateKey.d !== 'string') {
    throw new Error(
      'signingKey.privateKey: a private RSA JWK has n, e and d; without d it is a public key, which cannot sign.',
    );
  }
  const modulus = privateKey.n.length * 0.75;
  if (modulus < MIN_MODULUS_BYTES - 2) {
    throw new Error(
      `signingKey.privateKey: RS256 needs an RSA key of at least 2048 bits, this one has about ${Math.round(modulus * 8)}; ${MAKE_A_SIGNING_KEY}.`,
    );
  }
}

function checkPem(pem: string): void {
  const text = pem.trim();
  if (!text.includes('\n') && text.includes('\\n')) {
    throw new Error(
      "signingKey.privateKey: the PEM's line breaks are the two characters \\n (as an environment variable often holds them); pass privateKey.replace(/\\\\n/g, '\\n').",
    );
  }
  const label = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label === 'RSA PRIVATE KEY') {
    throw new Error(
      'signingKey.privateKey: this is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8: `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem`.',
    );
  }
  if (label === 'ENCRYPTED PRIVATE KEY') {
    throw new Error(
      'signingKey.privateKey: this key is encrypted with a passphrase; give it decrypted: `openssl pkcs8 -in key.pem -out key.plain.pem`.',
    );
  }
  if (label === 'PUBLIC KEY' || label === 'CERTIFICATE' || label === 'RSA PUBLIC KEY') {
    throw new Error(
      `signingKey.privateKey: this is a ${label.toLowerCase()}, which cannot sign; give the private key (BEGIN PRIVATE KEY).`,
    );
  }
  const body = /^-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----$/.exec(text)?.[1];
  if (label !== 'PRIVATE KEY' || body === undefined) {
    throw new Error(
      `signingKey.privateKey: not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----); ${MAKE_A_SIGNING_KEY}.`,
    );
  }
  const der = fromBase64Url(body.replace(/\s+/g, '').replace(/=+$/, ''));
  if (!containsBytes(der, RSA_ENCRYPTION_OID)) {
    throw new Error(
      `signingKey.privateKey: not an RSA key (an EC or Ed25519 key?); tokens are RS256, so ${MAKE_A_SIGNING_KEY}.`,
    );
  }
}

function containsBytes(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let index = 0; index < needle.length; index++) if (haystack[start + index] !== needle[index]) continue outer;
    return true;
  }
  return false;
}

/** iPOSpays caps a token's lifetime at 24 hours. */
export const MAX_TOKEN_MINUTES = 1440;
export const DEFAULT_TOKEN_MINUTES = 1440;
/** iPOSpays accepts a refresh until 15 minutes after expiry. */
export const GRACE_PERIOD_MINUTES = 15;

/** What the server puts in a token besides `iat` and `exp`. */
export interface TokenSubject {
  /** The account the token was issued to. */
  sub: string;
  /** The account role's scopes, space-separated (as in OAuth). */
  scope: string;
  /** The terminal, for portal-issued Auth Tokens; absent for `/authenticate-token` tokens. */
  tpn?: string;
}

export interface TokenClaims extends TokenSubject {
  uniqueId: string;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expires at, epoch seconds. */
  exp: number;
}

export type TokenCheck = { valid: true; claims: TokenClaims } | { valid: false; reason: 'invalid' | 'grace-expired' };

interface SigningKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

/** Signs and checks the tokens of one server. */
export class TokenSigner {
  private keys?: Promise<SigningKeys>;

  constructor(private readonly input?: SigningKeyInput) {}

  /** The JSON Web Key Set verifiers fetch (`GET {base}/.well-known/jwks.json`). */
  async jwks(): Promise<{ keys: JWK[] }> {
    const { publicJwk, kid } = await this.signingKeys();
    return { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };
  }

  /** The public half of the signing key, for anyone who wants to verify a token. */
  async publicKey(): Promise<CryptoKey> {
    return (await this.signingKeys()).publicKey;
  }

  async sign(
    subject: TokenSubject,
    lifetimeMinutes: number,
    nowMs: number,
  ): Promise<{ token: string; claims: TokenClaims }> {
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = { ...subject, uniqueId: randomUrlSafe(22), iat, exp: iat + lifetimeMinutes * 60 };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: (await this.signingKeys()).kid })
      .sign((await this.signingKeys()).privateKey);
    return { token, claims };
  }

  /** Checks signature and claims; an expired token is still valid during the grace period. */
  async check(token: string, nowMs: number): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, await this.publicKey(), {
        algorithms: ['RS256'],
        currentDate: new Date(nowMs),
        clockTolerance: GRACE_PERIOD_MINUTES * 60,
        requiredClaims: ['sub', 'scope', 'uniqueId', 'iat', 'exp'],
      });
      return isTokenClaims(payload) ? { valid: true, claims: payload } : { valid: false, reason: 'invalid' };
    } catch (error) {
      return { valid: false, reason: error instanceof errors.JWTExpired ? 'grace-expired' : 'invalid' };
    }
  }

  private signingKeys(): Promise<SigningKeys> {
    this.keys ??= loadKeys(this.input).catch((error: unknown) => {
      this.keys = undefined; // let the next call try again
      throw error;
    });
    return this.keys;
  }
}

function isTokenClaims(payload: JWTPayload): payload is JWTPayload & TokenClaims {
  return (
    typeof payload.sub === 'string' &&
    typeof payload['scope'] === 'string' &&
    typeof payload['uniqueId'] === 'string' &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number' &&
    (payload['tpn'] === undefined || typeof payload['tpn'] === 'string')
  );
}

async function loadKeys(input: SigningKeyInput | undefined): Promise<SigningKeys> {
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  let publicJwk: JWK;
  if (!input) {
    ({ privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 }));
    publicJwk = await exportJWK(publicKey);
  } else {
    // Imported extractable once to read the public half (n, e); the signing key itself is not extractable.
    const full =
      typeof input.privateKey === 'string'
        ? await exportJWK(await importPKCS8(input.privateKey, 'RS256', { extractable: true })).catch(unusable)
        : input.privateKey;
    if (full.kty !== 'RSA' || !full.n || !full.e || !full.d)
      throw new Error(`signingKey.privateKey: not an RSA private key; ${MAKE_A_SIGNING_KEY}.`);
    if (fromBase64Url(full.n).byteLength < MIN_MODULUS_BYTES) {
      throw new Error(`signingKey.privateKey: RS256 needs an RSA key of at least 2048 bits; ${MAKE_A_SIGNING_KEY}.`);
    }
    privateKey = (await importJWK({ ...full, alg: 'RS256' }, 'RS256').catch(unusable)) as CryptoKey;
    publicJwk = { kty: 'RSA', n: full.n, e: full.e };
    publicKey = (await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256').catch(unusable)) as CryptoKey;
    await signsWhatItsPublicHalfVerifies(privateKey, publicKey);
  }
  const kid = input?.kid ?? (await calculateJwkThumbprint({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e }));
  return { privateKey, publicKey, publicJwk: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e }, kid };
}

/** An import the platform refused (a corrupted PEM body, a JWK whose fields are not key material), named. */
function unusable(error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(`signingKey.privateKey: the key cannot be used (${reason}); ${MAKE_A_SIGNING_KEY}.`, {
    cause: error,
  });
}

/**
 * A self-test: a key with one character changed in its private part imports, and signs tokens that its own
 * JWKS then refuses. Signing once and verifying with the public half finds it at start, not at the first token.
 */
async function signsWhatItsPublicHalfVerifies(privateKey: CryptoKey, publicKey: CryptoKey): Promise<void> {
  const verified = await new SignJWT({ check: true })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(privateKey)
    .then((token) => jwtVerify(token, publicKey, { algorithms: ['RS256'] }))
    .then(
      () => true,
      () => false,
    );
  if (!verified) {
    throw new Error(
      `signingKey.privateKey: the key signs tokens that its own public half does not verify (is a character of it changed?); give the key exactly as made, or ${MAKE_A_SIGNING_KEY}.`,
    );
  }
}
