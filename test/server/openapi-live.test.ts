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
import { nodeListener, type FetchHandler } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { createReferenceServer } from '../../src/reference/reference-server.js';
import { testServer } from './harness.js';

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
type Responses = Record<string, { headers?: Record<string, unknown> }>;

/** One of the repository's OpenAPI documents, the live answers validated against it, and what they reached. */
class LiveDocument {
  readonly problems: string[] = [];
  /** Every status each operation answered. */
  readonly reached = new Map<string, Set<number>>();
  private operations = new Map<string, PrismOperation>();
  private readonly responses = new Map<string, Responses>();

  constructor(readonly file: string) {}

  async load(): Promise<this> {
    const path = new URL(`../../${this.file}`, import.meta.url).pathname;
    this.operations = new Map((await getHttpOperationsFromSpec(path)).map((op) => [op.iid!, op]));
    const document = JSON.parse(readFileSync(path, 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; responses: Responses }>>;
    };
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) this.responses.set(operation.operationId, operation.responses);
    }
    return this;
  }

  /** Where an operation is: its method and path. */
  target(id: string): { method: string; path: string } {
    const operation = this.operations.get(id);
    if (!operation) throw new Error(`${this.file} has no operation ${id}`);
    return { method: operation.method.toUpperCase(), path: operation.path };
  }

  /** The statuses the document gives the operation (`default` aside). */
  documentedStatuses(id: string): number[] {
    return Object.keys(this.responses.get(id) ?? {})
      .filter((status) => status !== 'default')
      .map(Number)
      .sort();
  }

  /** Prism's verdict on the answer (status, headers, body), and whether every header it carries is declared. */
  validate(id: string, answer: LiveAnswer): void {
    this.reached.set(id, (this.reached.get(id) ?? new Set()).add(answer.status));
    const verdict = validateOutput({
      resource: this.operations.get(id)!,
      element: { ...answer, statusCode: answer.status },
    });
    if (verdict._tag === 'Left') {
      for (const diagnostic of verdict.left) this.problems.push(`${id} ${answer.status}: ${diagnostic.message}`);
    }
    const responses = this.responses.get(id) ?? {};
    const declared = Object.keys((responses[answer.status] ?? responses['default'])?.headers ?? {}).map((name) =>
      name.toLowerCase(),
    );
    for (const name of Object.keys(answer.headers)) {
      if (!TRANSPORT_HEADERS.has(name) && !declared.includes(name)) {
        this.problems.push(`${id} ${answer.status}: header ${name} is not declared`);
      }
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
async function send(document: LiveDocument, base: string, id: string, caller: Caller = {}): Promise<LiveAnswer> {
  const { method, path } = document.target(id);
  const headers: Record<string, string> = { ...caller.headers };
  if (caller.account !== null) headers['X-Test-Account'] = caller.account ?? 'acct';
  if (caller.role) headers['X-Test-Role'] = caller.role;
  let body = caller.body;
  if (caller.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(caller.json);
  }
  const response = await fetch(`${base}${path}${caller.query ?? ''}`, { method, headers, body });
  const text = await response.text();
  const answer = {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
  document.validate(id, answer);
  return answer;
}

/** A body the server must refuse before reading it all: a declared length over 16 KiB, or one that never ends. */
function sendRaw(
  document: LiveDocument,
  base: string,
  id: string,
  kind: 'too-large' | 'never-ends',
): Promise<LiveAnswer> {
  const { method, path } = document.target(id);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${base}${path}`, {
      method,
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
        document.validate(id, answer);
        resolve(answer);
      });
    });
    outgoing.write('{"tpn":');
  });
}

async function listen(server: FetchHandler): Promise<{ base: string; http: Server }> {
  const http = createServer(nodeListener(server, { bodyTimeoutMs: 250 }));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/ipos`, http };
}

/** Every operation answered exactly the statuses its document gives it, and nothing the validator objects to. */
function expectWholeTruth(document: LiveDocument, ids: string[]): void {
  expect(document.problems).toEqual([]);
  for (const id of ids) {
    expect([...(document.reached.get(id) ?? [])].sort(), `${id}: the statuses reached are the documented ones`).toEqual(
      document.documentedStatuses(id),
    );
  }
  const answers = ids.reduce((sum, id) => sum + (document.reached.get(id)?.size ?? 0), 0);
  console.log(
    `[reliability] ${document.file} against the live server: ${answers} distinct (operation, status) answers of ${ids.length} operations, each validated by Prism (status, headers, body), 0 undocumented`,
  );
}

const ALL = Object.keys(ROUTES) as OperationId[];
const STATE_CHANGING = ALL.filter((id) => ROUTES[id].method === 'POST');
const limits = { limit: LIMIT, windowSeconds: 3600 };

describe('openapi.json against the live server', () => {
  let base: string;
  let http: Server;
  let postgres: ThrowawayPostgres;
  let contract: LiveDocument;

  beforeAll(async () => {
    contract = await new LiveDocument('openapi.json').load();
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
      await send(contract, base, id, { account: null }); // 401
      await send(contract, base, id, { headers: { 'Idempotency-Key': 'not valid' } }); // 400
      await send(contract, base, id, { headers: { 'X-Test-Fail': '1' } }); // 500
      await sendRaw(contract, base, id, 'too-large'); // 413, a GET's body too
      await sendRaw(contract, base, id, 'never-ends'); // 408, a GET's body too
    }
    for (const id of STATE_CHANGING) {
      await send(contract, base, id, { headers: { Origin: 'https://elsewhere.example' } }); // 403 cross-origin
      await send(contract, base, id, { headers: { 'Content-Type': 'text/plain' }, body: 'x' }); // 415
      // A body the operation reads, so that each request is counted: the last one past the limit is a 429.
      const json = ({ generateToken: { tpn: '139322815010' }, refreshToken: { token: 'x.y.z' } } as const)[
        id as 'generateToken'
      ];
      for (let attempt = 0; attempt <= LIMIT; attempt++)
        await send(contract, base, id, { account: `flood-${id}`, json });
    }

    // The merchant's flow, each refusal of the operation itself on the way, and every replay.
    const merchant = { account: 'merchant-1' };
    await send(contract, base, 'getCredentials', merchant);
    for (const id of ['revealSecret', 'resetSecret', 'revokePreviousSecret'] as const)
      await send(contract, base, id, merchant); // 404
    await send(contract, base, 'generateKeys', { ...merchant, headers: { 'Idempotency-Key': 'generate-1' } });
    await send(contract, base, 'generateKeys', { ...merchant, headers: { 'Idempotency-Key': 'generate-1' } }); // replayed
    await send(contract, base, 'generateKeys', merchant); // 409
    await send(contract, base, 'revealSecret', merchant);
    await send(contract, base, 'resetSecret', {
      ...merchant,
      json: { graceMinutes: 60 },
      headers: { 'Idempotency-Key': 'r-1' },
    });
    await send(contract, base, 'resetSecret', {
      ...merchant,
      json: { graceMinutes: 5 },
      headers: { 'Idempotency-Key': 'r-1' },
    }); // 422
    await send(contract, base, 'resetSecret', { ...merchant, json: { graceMinutes: 99999 } }); // 400
    await send(contract, base, 'revokePreviousSecret', { ...merchant, headers: { 'Idempotency-Key': 'v-1' } });
    await send(contract, base, 'listTerminals', merchant);
    await send(contract, base, 'listTerminals', { account: 'iso-1', role: 'iso' }); // 403
    const token = await send(contract, base, 'generateToken', {
      ...merchant,
      json: { tpn: '139322815010', expiresInMinutes: 30 },
      headers: { 'Idempotency-Key': 't-1' },
    });
    await send(contract, base, 'generateToken', {
      ...merchant,
      json: { tpn: '139322815011' },
      headers: { 'Idempotency-Key': 't-1' },
    }); // 422
    await send(contract, base, 'generateToken', { ...merchant, json: { tpn: '12' } }); // 400
    await send(contract, base, 'generateToken', { account: 'iso-1', role: 'iso', json: { tpn: '139322815010' } }); // 403
    const issued = (token.body as { token: string }).token;
    await send(contract, base, 'refreshToken', {
      ...merchant,
      json: { token: issued },
      headers: { 'Idempotency-Key': 'f-1' },
    });
    await send(contract, base, 'refreshToken', {
      ...merchant,
      json: { token: 'x.y.z' },
      headers: { 'Idempotency-Key': 'f-1' },
    }); // 422
    await send(contract, base, 'refreshToken', { ...merchant, json: { token: 'x.y.z' } }); // 401
    await send(contract, base, 'refreshToken', { ...merchant, json: { tokens: [] } }); // 400
    await send(contract, base, 'refreshToken', { account: 'iso-1', role: 'iso', json: { token: issued } }); // 403
    await send(contract, base, 'listActivity', { ...merchant, query: '?limit=2' });
    await send(contract, base, 'listActivity', { ...merchant, query: '?cursor=nope' }); // 400

    // The database out of reach: every operation answers 503 with Retry-After.
    const store = await postgresStore({ connectionString: postgres.createDatabase('openapi_live') });
    const { base: durable, http: durableHttp } = await listen(testServer(store));
    try {
      await postgres.halt();
      const bodies: Partial<Record<OperationId, unknown>> = {
        generateToken: { tpn: '139322815010' },
        refreshToken: { token: issued },
      };
      for (const id of ALL) await send(contract, durable, id, { json: bodies[id] });
    } finally {
      durableHttp.close();
      await postgres.resume();
      await store.close();
    }

    expectWholeTruth(contract, ALL);
  });
});

describe('reference.openapi.json against the live reference backend', () => {
  it('authenticate-token, the JWKS and the control route answer only what the document says', async () => {
    const reference = await new LiveDocument('reference.openapi.json').load();
    const server = createReferenceServer({ rateLimits: { authenticate: { limit: 3, windowSeconds: 3600 } } });
    const { base, http } = await listen(server);
    const demo = (account: string, session: string) => ({
      account: null,
      headers: { 'X-Ipos-Demo-Account': account, 'X-Ipos-Demo-Session': session },
    });
    try {
      const generated = await send(reference, base, 'generateKeys', demo('merchant', 'live'));
      await send(reference, base, 'generateKeys', { account: null }); // 401 DEMO_ACCOUNT_REQUIRED
      const { apiKey } = (generated.body as { keys: { apiKey: string } }).keys;
      const { secretKey } = (await send(reference, base, 'revealSecret', demo('merchant', 'live'))).body as {
        secretKey: string;
      };
      const keys = (session: string) => ({
        account: null,
        headers: { apiKey, secretKey, 'X-Ipos-Demo-Session': session },
      });
      await send(reference, base, 'authenticateToken', keys('live'));
      await send(reference, base, 'authenticateToken', {
        ...keys('live'),
        headers: { ...keys('live').headers, jwtTokenExpiryMinutes: '0' },
      }); // 400
      await send(reference, base, 'authenticateToken', { account: null }); // 401, then 429 past the limit
      await send(reference, base, 'authenticateToken', {
        ...keys('live'),
        headers: { ...keys('live').headers, 'Idempotency-Key': 'not valid' },
      }); // 400
      await send(reference, base, 'authenticateToken', {
        ...keys('live'),
        headers: { ...keys('live').headers, Origin: 'https://elsewhere.example' },
      }); // 403
      await send(reference, base, 'authenticateToken', {
        ...keys('live'),
        headers: { ...keys('live').headers, 'Content-Type': 'text/plain' },
        body: 'x',
      }); // 415
      await sendRaw(reference, base, 'authenticateToken', 'too-large'); // 413
      await sendRaw(reference, base, 'authenticateToken', 'never-ends'); // 408
      await send(reference, base, 'authenticateToken', keys('live')); // 429
      await send(reference, base, 'getJwks', { account: null });
      await send(reference, base, 'getJwks', { account: null, headers: { 'X-Ipos-Demo-Session': 'not valid!' } }); // 400

      // Failures, as a test injects them through the control route (the reference backend's 500 and 503).
      const control = { account: null, headers: { 'X-Ipos-Demo-Session': 'faults' } };
      await send(reference, base, 'getReferenceSession', control);
      await send(reference, base, 'getReferenceSession', { account: null, headers: { 'X-Ipos-Demo-Session': '!' } }); // 400
      for (const status of [500, 503]) {
        const fault = status === 503 ? { status, retryAfter: 5 } : { status };
        const forcedStatus = { 'POST /authenticate-token': fault, 'GET /.well-known/jwks.json': fault };
        await send(reference, base, 'updateReferenceSession', { ...control, json: { faults: { forcedStatus } } });
        await send(reference, base, 'authenticateToken', { account: null, headers: control.headers });
        await send(reference, base, 'getJwks', control);
      }
      await send(reference, base, 'updateReferenceSession', { ...control, json: { clockOffsetMs: 'soon' } }); // 400
      await send(reference, base, 'updateReferenceSession', {
        ...control,
        json: {},
        headers: { ...control.headers, Origin: 'https://elsewhere.example' },
      }); // 403
      await send(reference, base, 'updateReferenceSession', {
        ...control,
        headers: { ...control.headers, 'Content-Type': 'text/plain' },
        body: 'x',
      }); // 415
      await sendRaw(reference, base, 'updateReferenceSession', 'too-large'); // 413
      await send(reference, base, 'resetReferenceSession', control);
      await send(reference, base, 'resetReferenceSession', {
        ...control,
        headers: { ...control.headers, Origin: 'https://elsewhere.example' },
      }); // 403
      await send(reference, base, 'resetReferenceSession', { account: null, headers: { 'X-Ipos-Demo-Session': '!' } }); // 400
    } finally {
      http.close();
    }
    expect(reference.problems).toEqual([]);
    // The reference's own routes: the contract's operations are the server kit's, proven above.
    const own = ['authenticateToken', 'getJwks'];
    for (const id of own) {
      expect([...(reference.reached.get(id) ?? [])].sort(), id).toEqual(reference.documentedStatuses(id));
    }
  });
});
