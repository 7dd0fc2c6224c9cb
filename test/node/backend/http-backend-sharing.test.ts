// Identical reads in flight share one request; one caller's abort never ends the others' wait.
import { describe, expect, it } from 'vitest';
import { HttpBackend } from '../../../src/backend/http-backend.js';

const credentials = { role: 'merchant', scopes: ['Recurring'], keys: null };

/** A fetch that answers only when `release()` is called, and records what it was asked and whether it was aborted. */
function gatedFetch() {
  const calls: { url: string; method: string; signal: AbortSignal }[] = [];
  let releases: (() => void)[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), method: init?.method ?? 'GET', signal: init!.signal! });
    await new Promise<void>((resolve) => releases.push(resolve));
    const body = String(input).endsWith('/terminals') ? { terminals: [] } : credentials;
    return new Response(JSON.stringify(body), { status: 200 });
  }) as typeof globalThis.fetch;
  const release = () => {
    for (const resolve of releases) resolve();
    releases = [];
  };
  return { fetch, calls, release };
}

describe('HttpBackend shared reads', () => {
  it('never shares a read between different headers: a client whose headers follow the signed-in user', async () => {
    const gate = gatedFetch();
    let user = 'merchant-admin';
    const backend = new HttpBackend({ baseUrl: '/api', fetch: gate.fetch, headers: () => ({ 'X-User': user }) });
    const first = backend.getCredentials();
    await new Promise((resolve) => setTimeout(resolve, 0));
    user = 'iso-admin';
    const second = backend.getCredentials();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.calls).toHaveLength(2);
    gate.release();
    await Promise.all([first, second]);
  });

  it('makes one request for identical concurrent reads, and a new one after it settled', async () => {
    const gate = gatedFetch();
    const backend = new HttpBackend({ baseUrl: '/api', fetch: gate.fetch });
    const reads = [backend.getCredentials(), backend.getCredentials(), backend.getCredentials()];
    const terminals = backend.listTerminals();
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.calls.map((call) => call.url)).toEqual(['/api/credentials', '/api/terminals']);
    gate.release();
    for (const read of await Promise.all(reads)) expect(read).toEqual(credentials);
    expect(await terminals).toEqual([]);
    const again = backend.getCredentials();
    await new Promise((resolve) => setTimeout(resolve, 0));
    gate.release();
    await again;
    expect(gate.calls).toHaveLength(3);
  });

  it('ends only the aborting caller’s wait; aborts the request once every caller has aborted', async () => {
    const gate = gatedFetch();
    const backend = new HttpBackend({ baseUrl: '/api', fetch: gate.fetch });
    const first = new AbortController();
    const second = new AbortController();
    const a = backend.getCredentials({ signal: first.signal });
    const b = backend.getCredentials({ signal: second.signal });
    await new Promise((resolve) => setTimeout(resolve, 0));
    first.abort();
    await expect(a).rejects.toMatchObject({ code: 'aborted' });
    expect(gate.calls[0]!.signal.aborted).toBe(false);
    gate.release();
    expect(await b).toEqual(credentials);

    const c = new AbortController();
    const d = new AbortController();
    const p = [backend.getCredentials({ signal: c.signal }), backend.getCredentials({ signal: d.signal })];
    await new Promise((resolve) => setTimeout(resolve, 0));
    c.abort();
    d.abort();
    for (const read of p) await expect(read).rejects.toMatchObject({ code: 'aborted' });
    expect(gate.calls[1]!.signal.aborted).toBe(true);
    // A read after the abandoned one starts afresh instead of joining the aborted request.
    const fresh = backend.getCredentials();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.calls).toHaveLength(3);
    gate.release();
    expect(await fresh).toEqual(credentials);
  });

  it('never shares writes', async () => {
    const gate = gatedFetch();
    const backend = new HttpBackend({ baseUrl: '/api', fetch: gate.fetch });
    const writes = [backend.generateKeys(), backend.generateKeys()];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.calls.map((call) => call.method)).toEqual(['POST', 'POST']);
    gate.release();
    await Promise.all(writes);
  });
});
