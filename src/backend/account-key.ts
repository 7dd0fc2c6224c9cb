/**
 * Account identity for sharing Auth Tokens between tabs: `TokenSession` scopes its BroadcastChannel, its
 * Web Lock and its messages to a tag of the account, so tabs of two accounts that share a TPN never
 * exchange tokens. The tag is a hash: an account key may hold header values (a demo account, a tenant id)
 * that have no business in a channel name.
 */

/** A short, stable, non-reversible tag of `value` (two 53-bit cyrb53 hashes: collisions are not a concern here). */
export function accountTag(value: string): string {
  return cyrb53(value, 0x9e3779b9).toString(36) + cyrb53(value, 0x85ebca6b).toString(36);
}

/**
 * `HttpBackend`'s default `accountKey`: its base URL plus its fixed headers (sorted), which is what tells
 * accounts apart when the host sets them (`X-Ipos-Demo-Account`, a tenant header). `undefined` when the
 * headers come from a function: they may change per request (CSRF) or carry a per-user bearer, so only the
 * host can say which account a backend acts for.
 */
export function httpAccountKey(
  baseUrl: string,
  headers: HeadersInit | (() => unknown) | undefined,
): string | undefined {
  if (typeof headers === 'function') return undefined;
  const fixed = [...new Headers(headers)].map(([name, value]) => `${name}:${value}`).sort();
  return `http ${baseUrl} ${accountTag(fixed.join('\n'))}`;
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
