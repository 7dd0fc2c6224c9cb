/**
 * What a portal does for the service, written as a portal in any language would: an RS256 key pair whose
 * public half is a JWKS (a file, or served), JWTs with the documented claims, and HMAC-signed headers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';

export const ISSUER = 'https://portal.example.test';
export const AUDIENCE = 'ipos-credentials';

export interface Portal {
  jwks: { keys: object[] };
  /** A JWT for a caller; `options` bend it (another audience, already expired, another key…). */
  token(
    claims: JWTPayload,
    options?: { audience?: string; expiresIn?: string | number; key?: CryptoKey },
  ): Promise<string>;
  /** A key the service does not know, published under the same `kid`: what a forger would sign with. */
  forgerKey: CryptoKey;
}

export async function makePortal(): Promise<Portal> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const forger = await generateKeyPair('RS256');
  const kid = 'portal-2026';
  return {
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] },
    forgerKey: forger.privateKey,
    token: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(typeof options.expiresIn === 'number' ? options.expiresIn - 600 : undefined)
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.key ?? privateKey),
  };
}

/** The service's settings for this portal's JWTs, its JWKS written to a file in `folder`. */
export function jwtSettings(folder: string, portal: Portal): Record<string, string> {
  const file = `${folder}/jwks.json`;
  writeFileSync(file, JSON.stringify(portal.jwks));
  return { IPOS_IDENTITY: 'jwt', IPOS_JWT_JWKS_FILE: file, IPOS_JWT_ISSUER: ISSUER, IPOS_JWT_AUDIENCE: AUDIENCE };
}

/** The signed headers for a caller, as docs/service.md's snippets compute them. */
export function signedHeaders(
  secret: string,
  caller: { accountId: string; role: string; name?: string },
  options: { at?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  const name = encodeURIComponent(caller.name ?? '');
  const signature = createHmac('sha256', secret)
    .update([timestamp, nonce, caller.accountId, caller.role, name].join('\n'))
    .digest('hex');
  return {
    'X-Ipos-Timestamp': timestamp,
    'X-Ipos-Nonce': nonce,
    'X-Ipos-Account-Id': caller.accountId,
    'X-Ipos-Role': caller.role,
    'X-Ipos-Name': name,
    'X-Ipos-Signature': signature,
  };
}

/** A small HTTP server standing in for the portal's own endpoints; counts the requests it answered. */
export async function portalServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; requests: IncomingMessage[]; close(): Promise<void> }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
