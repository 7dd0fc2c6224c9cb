/**
 * Client addresses: what the audit log, `lastUsedFrom` and the authenticate-token limit store as a request's
 * source. Only a validated IP address in canonical text is ever stored (so a client cannot write 8,000
 * characters, or another client's name, into them), and `X-Forwarded-For` is read right to left past the
 * proxies the host names: the entries on its left are whatever the client wrote.
 */

/** The host's proxies: addresses and CIDRs (`10.0.0.0/8`, `::1`), or how many proxy hops stand in front. */
export type TrustedProxies = readonly string[] | number;

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_CHARACTERS = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * An IP address in canonical text, or null: IPv4 dotted decimal, IPv6 as the URL standard writes it (lower
 * case, compressed), an IPv4-mapped IPv6 address as its IPv4. A zone (`%eth0`), a port (`1.2.3.4:80`,
 * `[::1]:80`) and surrounding spaces are dropped; anything else (names, `unknown`, hex or octal IPv4) is null.
 */
export function canonicalAddress(text: string | null | undefined): string | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%[\w.-]{1,32}$/, '');
  if (IPV4.test(address)) return address;
  if (!address.includes(':') || !IPV6_CHARACTERS.test(address)) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(hostname);
  if (!mapped) return hostname;
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** The 4 (IPv4) or 16 (IPv6) bytes of a canonical address. */
function addressBytes(address: string): Uint8Array {
  if (IPV4.test(address)) return new Uint8Array(address.split('.').map(Number));
  const [head = '', tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array<string>(address.includes('::') ? missing : 0).fill('0'), ...groups(tail)];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 255;
  });
  return bytes;
}

/** The widest networks a host plausibly runs its proxies in: an IPv4 /8 (10.0.0.0/8), an IPv6 /32 (a provider's). */
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 32;

/** Whether an IPv6 network lies within the unique local addresses (fc00::/7), private however wide. */
function isUniqueLocal(bytes: Uint8Array, prefix: number): boolean {
  return bytes.length === 16 && prefix >= 7 && (bytes[0]! & 0xfe) === 0xfc;
}

/** What a source's rate limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one subscriber's share). */
export function rateLimitGroup(address: string): string {
  if (IPV4.test(address)) return address;
  const bytes = addressBytes(address);
  const groups = Array.from({ length: 4 }, (_, index) =>
    ((bytes[index * 2]! << 8) | bytes[index * 2 + 1]!).toString(16),
  );
  return `${groups.join(':')}::/64`;
}

interface Network {
  bytes: Uint8Array;
  prefix: number;
}

function inNetwork(address: Uint8Array, network: Network): boolean {
  if (address.length !== network.bytes.length) return false;
  for (let bit = 0; bit < network.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((address[bit >> 3]! & mask) !== (network.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

/** Whether the hop at `index` (0: the peer, 1: the right-most `X-Forwarded-For` entry, …) with `address` is a proxy of the host's. */
export type ProxyTrust = (address: string, index: number) => boolean;

/**
 * The host's `trustedProxies`, checked: a whole number of hops (0–10), or addresses and CIDRs. Throws an error
 * naming `option` and how to write a right value.
 */
export function proxyTrust(trusted: TrustedProxies, option = 'trustedProxies'): ProxyTrust {
  if (typeof trusted === 'number') {
    if (!Number.isInteger(trusted) || trusted < 0 || trusted > 10) {
      throw new Error(
        `${option}: a hop count is a whole number from 0 to 10 (1: one reverse proxy in front), or give its addresses, e.g. ["10.0.0.0/8"]; got ${trusted}.`,
      );
    }
    return (_address, index) => index < trusted;
  }
  if (!Array.isArray(trusted)) {
    throw new Error(
      `${option}: give the proxies' addresses or CIDRs, e.g. ["127.0.0.1", "10.0.0.0/8"], or a hop count.`,
    );
  }
  const networks = trusted.map((entry, index): Network => {
    const [address, prefixText, ...rest] = String(entry).split('/');
    const canonical = canonicalAddress(address);
    const bytes = canonical === null ? null : addressBytes(canonical);
    // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 one its last 32 bits name.
    const mapped = bytes?.length === 4 && address!.includes(':') ? 96 : 0;
    const prefix =
      prefixText === undefined
        ? (bytes?.length ?? 0) * 8
        : /^\d{1,3}$/.test(prefixText)
          ? Number(prefixText) - mapped
          : NaN;
    if (!bytes || rest.length || !(prefix >= 0 && prefix <= bytes.length * 8)) {
      throw new Error(
        `${option}[${index}]: ${JSON.stringify(entry)} is not an IP address or CIDR; write e.g. "10.0.0.7", "10.0.0.0/8" or "fd00::/8" (names such as localhost are not resolved: write 127.0.0.1 or ::1).`,
      );
    }
    if (prefix === 0) {
      throw new Error(
        `${option}[${index}]: ${JSON.stringify(entry)} trusts every address, so any client could name itself in X-Forwarded-For; name your proxies' own addresses or network.`,
      );
    }
    if (prefix < (bytes.length === 4 ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX) && !isUniqueLocal(bytes, prefix)) {
      throw new Error(
        `${option}[${index}]: ${JSON.stringify(entry)} spans a wide share of the internet (shorter than /${bytes.length === 4 ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX}); any client in it could name itself in X-Forwarded-For. Name your proxies' own addresses or network.`,
      );
    }
    return { bytes, prefix };
  });
  return (address) => {
    const bytes = addressBytes(address);
    return networks.some((network) => inNetwork(bytes, network));
  };
}

/**
 * The client's address: the peer, or, while the hop being read is a trusted proxy, the next `X-Forwarded-For`
 * entry to its left. Null when the entry reached is not an address (a proxy that wrote something else).
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trust: ProxyTrust,
): string | null {
  let address = canonicalAddress(peer);
  const hops = forwardedFor ? forwardedFor.split(',').reverse() : [];
  for (let index = 0; address !== null && index < hops.length && trust(address, index); index++) {
    address = canonicalAddress(hops[index]);
  }
  return address;
}
