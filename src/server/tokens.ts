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
import { randomUrlSafe } from './keys.js';

/** The host's RS256 private key: PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`) or a private JWK. */
export interface SigningKeyInput {
  privateKey: string | JWK;
  /** The `kid` put in tokens and the JWKS; default the key's RFC 7638 thumbprint. */
  kid?: string;
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
        ? await exportJWK(await importPKCS8(input.privateKey, 'RS256', { extractable: true }))
        : input.privateKey;
    if (full.kty !== 'RSA' || !full.n || !full.e || !full.d)
      throw new Error('The signing key must be an RSA private key.');
    privateKey = (await importJWK({ ...full, alg: 'RS256' }, 'RS256')) as CryptoKey;
    publicJwk = { kty: 'RSA', n: full.n, e: full.e };
    publicKey = (await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  }
  const kid = input?.kid ?? (await calculateJwkThumbprint({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e }));
  return { privateKey, publicKey, publicJwk: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e }, kid };
}
