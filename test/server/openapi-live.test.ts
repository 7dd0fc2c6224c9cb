/**
 * openapi.json tells the whole truth about the server kit: a real server (the Node adapter on a loopback port, over
 * memory and a throwaway PostgreSQL) is driven through every operation and every status the document gives it, and
 * each live answer — status, headers, body — is validated against openapi.json by Stoplight Prism's validator (the
 * one `prism proxy` runs). An answer whose status the document does not give, a header it does not declare, or a
 * documented status no request reached fails the test.
 */
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import { validateOutput } from '@stoplight/prism-http/dist/validator/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type OperationId } from '../../src/contract/routes.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { nodeListener } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { testServer } from './harness.js';

const DOCUMENT_URL = new URL('../../openapi.json', import.meta.url);
const documented = JSON.parse(readFileSync(DOCUMENT_URL, 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
};
/** What every HTTP/1.1 answer carries that no API document declares. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
// Above what the merchant flow below sends per limit (7 token requests), so that only the floods reach it.
const LIMIT = 10;

interface LiveAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

type PrismOperation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];
let operations: Map<string, PrismOperation>;
/** Every status each operation answered, and every problem the validator or the header check found. */
const reached = new Map<OperationId, Set<number>>();
const problems: string[] = [];

function validate(id: OperationId, answer: LiveAnswer): void {
  reached.set(id, (reached.get(id) ?? new Set()).add(answer.status));
  const verdict = validateOutput({ resource: operations.get(id)!, element: { ...answer, statusCode: answer.status } });
  if (verdict._tag === 'Left') {
    for (const diagnostic of verdict.left) problems.push(`${id} ${answer.status}: ${diagnostic.message}`);
  }
  const route = ROUTES[id];
  const declared = Object.keys(
    documented.paths[route.path]?.[route.method.toLowerCase()]?.responses[answer.status]?.headers ?? {},
  ).map((name) => name.toLowerCase());
  for (const name of Object.keys(answer.headers)) {
    if (!TRANSPORT_HEADERS.has(name) && !declared.includes(name)) {
      problems.push(`${id} ${answer.status}: header ${name} is not declared`);
    }
  }
}

interface Caller {
  account?: string | null;
  role?: 'merchant' | 'iso' | 'agent';
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  query?: string;
}

/** Sends one request of the operation over HTTP, validates the answer, and hands it back. */
async function send(base: string, id: OperationId, caller: Caller = {}): Promise<LiveAnswer> {
  const route = ROUTES[id];
  const headers: Record<string, string> = { ...caller.headers };
  if (caller.account !== null) headers['X-Test-Account'] = caller.account ?? 'acct';
  if (caller.role) headers['X-Test-Role'] = caller.role;
  let body = caller.body;
  if (caller.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(caller.json);
  }
  const response = await fetch(`${base}${route.path}${caller.query ?? ''}`, { method: route.method, headers, body });
  const text = await response.text();
  const answer = {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
  validate(id, answer);
  return answer;
}

/** A body the server must refuse before reading it all: a declared length over 16 KiB, or one that never ends. */
function sendRaw(base: string, id: OperationId, kind: 'too-large' | 'never-ends'): Promise<LiveAnswer> {
  const route = ROUTES[id];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${base}${route.path}`, {
      method: route.method,
      headers: {
        'X-Test-Account': 'raw',
        'Content-Type': 'application/json',
        'Content-Length': kind === 'too-large' ? String(64 * 1024) : '100',
      },
    });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming: IncomingMessage) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => {
        outgoing.destroy();
        const headers = Object.fromEntries(
          Object.entries(incoming.headers).map(([name, value]) => [name, String(value)]),
        );
        const answer = { status: incoming.statusCode ?? 0, headers, body: JSON.parse(text) as unknown };
        validate(id, answer);
        resolve(answer);
      });
    });
    outgoing.write('{"tpn":');
  });
}

async function listen(server: CredentialsServer): Promise<{ base: string; http: Server }> {
  const http = createServer(nodeListener(server, { bodyTimeoutMs: 250 }));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/ipos`, http };
}

const ALL = Object.keys(ROUTES) as OperationId[];
const STATE_CHANGING = ALL.filter((id) => ROUTES[id].method === 'POST');
const limits = { limit: LIMIT, windowSeconds: 3600 };

describe('openapi.json against the live server', () => {
  let base: string;
  let http: Server;
  let postgres: ThrowawayPostgres;

  beforeAll(async () => {
    operations = new Map(
      (await getHttpOperationsFromSpec(DOCUMENT_URL.pathname)).map((op) => [op.iid as OperationId, op]),
    );
    const server = testServer(memoryStore(), {
      rateLimits: { generate: limits, reveal: limits, reset: limits, token: limits },
      // The host's own code failing unexpectedly: the server answers 500 INTERNAL_ERROR.
      resolveAccount(request) {
        if (request.headers.get('X-Test-Fail')) throw new Error('the portal session store failed');
        const accountId = request.headers.get('X-Test-Account');
        const role = (request.headers.get('X-Test-Role') ?? 'merchant') as 'merchant';
        return accountId ? { accountId, role, name: `Admin of ${accountId}` } : null;
      },
    });
    ({ base, http } = await listen(server));
    postgres = await startPostgres();
  });

  afterAll(() => {
    http?.close();
    postgres?.stop();
  });

  it('every answer of every operation is documented: status, headers and body', async () => {
    for (const id of ALL) {
      await send(base, id, { account: null }); // 401
      await send(base, id, { headers: { 'Idempotency-Key': 'not valid' } }); // 400
      await send(base, id, { headers: { 'X-Test-Fail': '1' } }); // 500
    }
    for (const id of STATE_CHANGING) {
      await send(base, id, { headers: { Origin: 'https://elsewhere.example' } }); // 403 cross-origin
      await send(base, id, { headers: { 'Content-Type': 'text/plain' }, body: 'x' }); // 415
      await sendRaw(base, id, 'too-large'); // 413
      await sendRaw(base, id, 'never-ends'); // 408
      // A body the operation reads, so that each request is counted: the last one past the limit is a 429.
      const json = ({ generateToken: { tpn: '139322815010' }, refreshToken: { token: 'x.y.z' } } as const)[
        id as 'generateToken'
      ];
      for (let attempt = 0; attempt <= LIMIT; attempt++) await send(base, id, { account: `flood-${id}`, json });
    }

    // The merchant's flow, each refusal of the operation itself on the way, and every replay.
    const merchant = { account: 'merchant-1' };
    await send(base, 'getCredentials', merchant);
    for (const id of ['revealSecret', 'resetSecret', 'revokePreviousSecret'] as const) await send(base, id, merchant); // 404
    await send(base, 'generateKeys', { ...merchant, headers: { 'Idempotency-Key': 'generate-1' } });
    await send(base, 'generateKeys', { ...merchant, headers: { 'Idempotency-Key': 'generate-1' } }); // replayed
    await send(base, 'generateKeys', merchant); // 409
    await send(base, 'revealSecret', merchant);
    await send(base, 'resetSecret', { ...merchant, json: { graceMinutes: 60 }, headers: { 'Idempotency-Key': 'r-1' } });
    await send(base, 'resetSecret', { ...merchant, json: { graceMinutes: 5 }, headers: { 'Idempotency-Key': 'r-1' } }); // 422
    await send(base, 'resetSecret', { ...merchant, json: { graceMinutes: 99999 } }); // 400
    await send(base, 'revokePreviousSecret', { ...merchant, headers: { 'Idempotency-Key': 'v-1' } });
    await send(base, 'listTerminals', merchant);
    await send(base, 'listTerminals', { account: 'iso-1', role: 'iso' }); // 403
    const token = await send(base, 'generateToken', {
      ...merchant,
      json: { tpn: '139322815010', expiresInMinutes: 30 },
      headers: { 'Idempotency-Key': 't-1' },
    });
    await send(base, 'generateToken', {
      ...merchant,
      json: { tpn: '139322815011' },
      headers: { 'Idempotency-Key': 't-1' },
    }); // 422
    await send(base, 'generateToken', { ...merchant, json: { tpn: '12' } }); // 400
    await send(base, 'generateToken', { account: 'iso-1', role: 'iso', json: { tpn: '139322815010' } }); // 403
    const issued = (token.body as { token: string }).token;
    await send(base, 'refreshToken', { ...merchant, json: { token: issued }, headers: { 'Idempotency-Key': 'f-1' } });
    await send(base, 'refreshToken', { ...merchant, json: { token: 'x.y.z' }, headers: { 'Idempotency-Key': 'f-1' } }); // 422
    await send(base, 'refreshToken', { ...merchant, json: { token: 'x.y.z' } }); // 401
    await send(base, 'refreshToken', { ...merchant, json: { tokens: [] } }); // 400
    await send(base, 'refreshToken', { account: 'iso-1', role: 'iso', json: { token: issued } }); // 403
    await send(base, 'listActivity', { ...merchant, query: '?limit=2' });
    await send(base, 'listActivity', { ...merchant, query: '?cursor=nope' }); // 400

    // The database out of reach: every operation answers 503 with Retry-After.
    const store = await postgresStore({ connectionString: postgres.createDatabase('openapi_live') });
    const { base: durable, http: durableHttp } = await listen(testServer(store));
    try {
      await postgres.halt();
      const bodies: Partial<Record<OperationId, unknown>> = {
        generateToken: { tpn: '139322815010' },
        refreshToken: { token: issued },
      };
      for (const id of ALL) await send(durable, id, { json: bodies[id] });
    } finally {
      durableHttp.close();
      await postgres.resume();
      await store.close();
    }

    expect(problems).toEqual([]);
    for (const id of ALL) {
      const route = ROUTES[id];
      const statuses = Object.keys(documented.paths[route.path]![route.method.toLowerCase()]!.responses).map(Number);
      expect([...(reached.get(id) ?? [])].sort(), `${id}: the statuses reached are the documented ones`).toEqual(
        statuses.sort(),
      );
    }
    const answers = [...reached.values()].reduce((sum, statuses) => sum + statuses.size, 0);
    console.log(
      `[reliability] openapi.json against the live server: ${answers} distinct (operation, status) answers of ${ALL.length} operations, each validated by Prism (status, headers, body), 0 undocumented`,
    );
  });
});
