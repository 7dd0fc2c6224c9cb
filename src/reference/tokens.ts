/** Auth Tokens: RS256 JWTs like iPOSpays', signed with a key pair made once per server on first use. */
import { SignJWT, errors, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { randomUrlSafe } from './keys.js';

/** iPOSpays caps a token's lifetime at 24 hours. */
export const MAX_TOKEN_MINUTES = 1440;
export const DEFAULT_TOKEN_MINUTES = 1440;
/** iPOSpays accepts a refresh until 15 minutes after expiry. */
export const GRACE_PERIOD_MINUTES = 15;

/** What the reference backend puts in a token besides `iat` and `exp`. */
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
}

/** Signs and checks the tokens of one reference server. */
export class TokenSigner {
  private keys?: Promise<SigningKeys>;

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
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
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
    this.keys ??= generateKeyPair('RS256', { modulusLength: 2048 }).catch((error: unknown) => {
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
