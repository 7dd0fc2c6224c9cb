/**
 * Behind a real nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`): the client is read right
 * to left past the host's own proxies, so a forged `X-Forwarded-For` can neither bypass the authenticate-token
 * limit nor write itself into the audit log; what is stored as a source is always a validated address. The
 * client connects from 127.0.0.2 and nginx from 127.0.0.1, so "the proxy" and "the client" differ as in life.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalAddress, clientAddress, proxyTrust } from '../../src/server/addresses.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { nodeListener, type NodeAdapterOptions } from '../../src/server/node.js';
import { memoryStore, type MemoryStore } from '../../src/server/stores/memory.js';
import { startNginx, type ThrowawayNginx } from '../support/nginx.js';
import { call, testServer } from './harness.js';

const CLIENT = '127.0.0.2';
const LIMIT = 20;
const opened: { http: Server; proxy?: ThrowawayNginx }[] = [];
afterEach(async () => {
  for (const { http, proxy } of opened.splice(0)) {
    await proxy?.stop();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
});

interface Answer {
  status: number;
  body: { errorCode?: string };
}

/** A POST from `CLIENT` (a second loopback address), with the headers a hostile client chooses. */
function post(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers, localAddress: CLIENT }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** The server on a memory store with a small authenticate limit, listening with `adapter`, optionally behind nginx. */
async function serve(adapter: NodeAdapterOptions, behindNginx: boolean) {
  const store = memoryStore();
  // Time stands still, so that all of a test's requests fall in one hour window (a run at 19:59 crossed into 20:00).
  const startedAt = Date.now();
  const server = testServer(store, {
    clock: { now: () => startedAt },
    rateLimits: { authenticate: { limit: LIMIT, windowSeconds: 3600 } },
  });
  const http = createServer(nodeListener(server, adapter));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const direct = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const proxy = behindNginx ? await startNginx({ upstreams: [direct.slice('http://'.length)] }) : undefined;
  opened.push({ http, proxy });
  return { server, store, base: `${proxy?.url ?? direct}/api/ipos` };
}

async function keysOf(server: CredentialsServer, account: string) {
  const generated = await call(server, 'POST', '/credentials', { account });
  const { secretKey } = (await call(server, 'POST', '/credentials/secret/reveal', { account })).body;
  return { apiKey: generated.body.keys.apiKey as string, secretKey: secretKey as string };
}

/** One right secret, then 150 wrong ones, each with a new forged `X-Forwarded-For` (8,000 characters for some). */
async function bruteForce(base: string, keys: { apiKey: string; secretKey: string }) {
  const right = await post(`${base}/authenticate-token`, { ...keys, 'X-Forwarded-For': '198.51.100.1' });
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 150; attempt++) {
    const forged = attempt % 10 === 0 ? 'x'.repeat(8000) : `203.0.113.${attempt % 250}, 192.0.2.${attempt % 250}`;
    const answer = await post(`${base}/authenticate-token`, {
      apiKey: keys.apiKey,
      secretKey: `dskey_${'w'.repeat(32)}`,
      'X-Forwarded-For': forged,
      'X-Real-IP': `198.51.100.${attempt % 250}`,
    });
    statuses.push(answer.status);
  }
  return { right: right.status, statuses };
}

const count = (statuses: number[], status: number) => statuses.filter((item) => item === status).length;

describe.each<[string, NodeAdapterOptions]>([
  ['trustedProxies: ["127.0.0.1"]', { trustedProxies: ['127.0.0.1'] }],
  ['trustedProxies: ["127.0.0.1/32", "fd00::/8"]', { trustedProxies: ['127.0.0.1/32', 'fd00::/8'] }],
  ['trustedProxies: 1 (one hop)', { trustedProxies: 1 }],
  ['trustProxy: true (read as one hop)', { trustProxy: true }],
])('behind nginx with %s', (_name, adapter) => {
  it('refuses wrong secrets past the limit however X-Forwarded-For is forged, and stores the real client', async () => {
    const { server, store, base } = await serve(adapter, true);
    const keys = await keysOf(server, 'proxied');
    const { right, statuses } = await bruteForce(base, keys);
    expect(right).toBe(200);
    // The right secret counted too: LIMIT - 1 wrong ones get their 401, every later one a 429.
    expect(count(statuses, 401)).toBe(LIMIT - 1);
    expect(count(statuses, 429)).toBe(150 - (LIMIT - 1));
    const events = await server.activity('proxied', { limit: 100 });
    const sources = new Set(events.filter((event) => event.type.startsWith('authenticat')).map((e) => e.source));
    expect(sources).toEqual(new Set([CLIENT]));
    expect((await call(server, 'GET', '/credentials', { account: 'proxied' })).body.keys.lastUsedFrom).toBe(CLIENT);
    expect(store.dump()).not.toContain('xxxxxxxx');
    expect(store.dump()).not.toContain('203.0.113.');
    console.log(
      `[reliability] behind nginx (${_name}): 150 wrong secrets with forged X-Forwarded-For, ${count(statuses, 429)} refused 429 past the limit of ${LIMIT}; every stored source the real client`,
    );
  });
});

describe('reached directly, with proxies named', () => {
  it('believes no X-Forwarded-For from a peer that is not a proxy of the host', async () => {
    const { server, base } = await serve({ trustedProxies: ['127.0.0.1'] }, false);
    const keys = await keysOf(server, 'direct');
    const { statuses } = await bruteForce(base, keys);
    expect(count(statuses, 429)).toBe(150 - (LIMIT - 1));
    const events = await server.activity('direct', { limit: 100 });
    expect(new Set(events.filter((event) => event.type.startsWith('authenticat')).map((e) => e.source))).toEqual(
      new Set([CLIENT]),
    );
  });
});

describe('what a host passes as the source', () => {
  it('stores only a validated address: anything else is recorded as no source, and the host is told once', async () => {
    const logged: string[] = [];
    const store: MemoryStore = memoryStore();
    const server = testServer(store, { logError: (line) => logged.push(line) });
    await call(server, 'POST', '/credentials', { account: 'labels', source: '2001:DB8::0:1' });
    for (const source of ['x'.repeat(8000), 'partner-gateway', '::ffff:203.0.113.9', ' 203.0.113.10 ']) {
      await call(server, 'POST', '/credentials/secret/reveal', { account: 'labels', source });
    }
    const sources = (await server.activity('labels')).map((event) => event.source);
    expect(sources).toEqual(['203.0.113.10', '203.0.113.9', null, null, '2001:db8::1']);
    expect(logged.filter((line) => line.includes('is not an IP address'))).toHaveLength(1);
    expect(store.dump()).not.toContain('xxxxxxxx');
  });
});

describe('trusted proxies, as the adapters read them', () => {
  it('refuses names, bad CIDRs and bad hop counts, naming the option', () => {
    for (const bad of [['proxy.internal'], ['10.0.0.0/33'], ['10.0.0.1/8/2'], -1, 11, 1.5] as const) {
      expect(() => nodeListener(testServer(memoryStore()), { trustedProxies: bad as never })).toThrow(
        /^trustedProxies(\[0\])?: /,
      );
    }
    for (const everyone of ['0.0.0.0/0', '::/0']) {
      expect(() => nodeListener(testServer(memoryStore()), { trustedProxies: ['10.0.0.1', everyone] })).toThrow(
        /^trustedProxies\[1\]: .* trusts every address, so any client could name itself/,
      );
    }
    expect(() => nodeListener(testServer(memoryStore()), { trustedProxies: ['localhost'] })).toThrow(
      /^trustedProxies\[0\]: "localhost" is not an IP address or CIDR.*write 127\.0\.0\.1 or ::1/,
    );
    for (const wide of ['1.0.0.0/7', '0.0.0.0/1', '2000::/3', '2001:db8::/31']) {
      expect(() => nodeListener(testServer(memoryStore()), { trustedProxies: [wide] }), wide).toThrow(
        /^trustedProxies\[0\]: .* spans a wide share of the internet/,
      );
    }
    expect(() => nodeListener(testServer(memoryStore()), { trustProxy: true, trustedProxies: 1 })).toThrow(
      /^trustProxy: give trustedProxies alone/,
    );
  });

  it('takes private networks however wide, and IPv4-mapped IPv6 CIDRs as the IPv4 network they name', () => {
    const networks = proxyTrust(['10.0.0.0/8', 'fc00::/7', '2001:db8::/32', '::ffff:192.168.0.0/112']);
    expect(clientAddress('192.168.4.4', '8.8.8.8', networks)).toBe('8.8.8.8');
    expect(clientAddress('::ffff:192.168.4.4', '8.8.8.8', networks)).toBe('8.8.8.8');
    expect(clientAddress('192.169.0.1', '8.8.8.8', networks)).toBe('192.169.0.1');
    expect(clientAddress('fd12::1', '8.8.8.8', networks)).toBe('8.8.8.8');
    expect(() => proxyTrust(['::ffff:10.0.0.0/95'])).toThrow(/is not an IP address or CIDR/);
  });

  it('reads the client right to left past the trusted hops, and never an entry that is not an address', () => {
    const networks = proxyTrust(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);
    expect(clientAddress('10.1.1.1', '1.1.1.1, 8.8.8.8, 10.2.2.2', networks)).toBe('8.8.8.8');
    expect(clientAddress('::ffff:10.1.1.1', '2001:db8::7', networks)).toBe('2001:db8::7');
    expect(clientAddress('8.8.4.4', '1.1.1.1', networks)).toBe('8.8.4.4');
    expect(clientAddress('10.1.1.1', 'garbage', networks)).toBeNull();
    expect(clientAddress('10.1.1.1', null, networks)).toBe('10.1.1.1');
    expect(clientAddress('127.0.0.1', 'forged, 198.51.100.4', proxyTrust(1))).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.1', 'forged, 198.51.100.4', proxyTrust(0))).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', 'a, 198.51.100.4, 10.0.0.1', proxyTrust(2))).toBe('198.51.100.4');
  });

  it('writes addresses one way: IPv4 dotted, IPv6 compressed, mapped IPv4 as IPv4; nothing else passes', () => {
    expect(
      ['203.0.113.9', '::FFFF:203.0.113.9', '[2001:db8::1]:443', '203.0.113.9:80', 'fe80::1%eth0'].map(
        canonicalAddress,
      ),
    ).toEqual(['203.0.113.9', '203.0.113.9', '2001:db8::1', '203.0.113.9', 'fe80::1']);
    for (const bad of [
      'unknown',
      '0x7f.0.0.1',
      '127.1',
      '01.2.3.4',
      '256.0.0.1',
      'a'.repeat(100),
      '1:2:3:4:5:6:7:8:9',
    ]) {
      expect(canonicalAddress(bad), bad).toBeNull();
    }
  });
});
