/**
 * Identity from headers the portal (or its reverse proxy) sets and signs: HMAC-SHA256 with a shared secret
 * over a timestamp, a nonce and the values. Refused: a missing header, a bad signature, a timestamp outside
 * the allowed age (stale), and a signature seen before (replayed — remembered in the store, so it holds
 * across instances on one database).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CredentialStore } from '../../server/index.js';
import type { IdentityConfig } from '../config.js';
import { accountOf, unauthenticated, type IdentityReader } from './identity.js';

/** The headers, in the order their values are signed. */
export const SIGNED_HEADERS = {
  timestamp: 'X-Ipos-Timestamp',
  nonce: 'X-Ipos-Nonce',
  accountId: 'X-Ipos-Account-Id',
  role: 'X-Ipos-Role',
  /** Percent-encoded UTF-8 (optional); signed as sent. */
  name: 'X-Ipos-Name',
  signature: 'X-Ipos-Signature',
} as const;

const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** What the portal signs: the values joined by newlines (headers cannot hold one, so the join is unambiguous). */
export function signedHeadersPayload(values: {
  timestamp: string;
  nonce: string;
  accountId: string;
  role: string;
  name: string;
}): string {
  return [values.timestamp, values.nonce, values.accountId, values.role, values.name].join('\n');
}

export function signedHeadersIdentity(
  config: Extract<IdentityConfig, { kind: 'signed-headers' }>,
  store: CredentialStore,
  now: () => number = Date.now,
): IdentityReader {
  return async (request) => {
    const header = (name: string) => request.headers.get(name);
    const [timestamp, nonce, accountId, role, signature] = [
      header(SIGNED_HEADERS.timestamp),
      header(SIGNED_HEADERS.nonce),
      header(SIGNED_HEADERS.accountId),
      header(SIGNED_HEADERS.role),
      header(SIGNED_HEADERS.signature),
    ];
    if (timestamp === null || nonce === null || accountId === null || role === null || signature === null) {
      throw unauthenticated(
        `Sign in: this request lacks the portal's signed headers (${Object.values(SIGNED_HEADERS).join(', ')}).`,
      );
    }
    const name = header(SIGNED_HEADERS.name) ?? '';
    const expected = createHmac('sha256', config.secret)
      .update(signedHeadersPayload({ timestamp, nonce, accountId, role, name }))
      .digest();
    const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
      throw unauthenticated("The portal's header signature does not match.");
    }
    const signedAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN;
    if (!(Math.abs(now() - signedAt) <= config.maxAgeSeconds * 1000)) {
      throw unauthenticated(
        `The portal's header signature is stale: signed more than ${config.maxAgeSeconds} s away from now.`,
      );
    }
    if (!NONCE_PATTERN.test(nonce))
      throw unauthenticated(`${SIGNED_HEADERS.nonce} must be 16–128 URL-safe characters.`);
    // One use per signature: a count above one means another request (on any instance) already used it.
    const uses = await store.transaction((tx) => tx.countHit(`signed-headers ${signature.toLowerCase()}`, signedAt));
    if (uses > 1) throw unauthenticated("The portal's header signature was already used.");
    return {
      account: accountOf(
        { accountId, role, name: decodeName(name) },
        {
          accountId: SIGNED_HEADERS.accountId,
          role: SIGNED_HEADERS.role,
          name: SIGNED_HEADERS.name,
        },
      ),
    };
  };
}

/** Percent-decoding as forms do (`+` is a space: Java's URLEncoder writes one); undecodable: refused. */
function decodeName(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw unauthenticated(`${SIGNED_HEADERS.name} must be percent-encoded UTF-8.`);
  }
}
