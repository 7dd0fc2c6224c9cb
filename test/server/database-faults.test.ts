/**
 * A real PostgreSQL that goes away under load. Two server processes on one throwaway cluster of this file's
 * own — one whose store made its own pool (`own-pool:`), one on a host pool with its own `'error'` listener
 * (`host-pool:`) — reset secrets in concurrent loops while connections are terminated (idle and
 * mid-transaction), the server restarts (`pg_ctl restart -m fast`) and stops for 10 s. Neither process may
 * exit; every answer is 200 or 503 `DATABASE_UNAVAILABLE` with `Retry-After`; the first 200 after each
 * fault comes with no restart of ours; and once every request is retried with its own `Idempotency-Key`,
 * each account has exactly one rotation per key, each acknowledged reset replays its first answer, and
 * every row opens, matches its hint and authenticates. authenticate-token, whose lookups and records go in groups,
 * is driven the same way: every answer 200 or 503, every acknowledged attempt audited.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { killInstances, startInstance, type Instance } from './instances.js';

const LOOPS_PER_SERVER = 4;
const OUTAGE_MS = 10_000;

interface Sent {
  server: string;
  account: string;
  key: string;
  sentAt: number;
  answeredAt: number;
  /** 0: no HTTP answer at all (the process is gone). */
  status: number;
  retryAfter: string | null;
  body: { errorCode?: string; errorMessage?: string; keys?: { secretKeyHint: string } };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reset(base: string, account: string, key: string): Promise<Omit<Sent, 'server'>> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`${base}/credentials/secret/reset`, {
      method: 'POST',
      headers: { 'X-Test-Account': account, 'Idempotency-Key': key },
    });
    return {
      account,
      key,
      sentAt,
      answeredAt: Date.now(),
      status: response.status,
      retryAfter: response.headers.get('Retry-After'),
      body: await response.json(),
    };
  } catch {
    return { account, key, sentAt, answeredAt: Date.now(), status: 0, retryAfter: null, body: {} };
  }
}

/** Concurrent reset loops against every server, each request with a fresh `Idempotency-Key`. */
class ResetLoad {
  readonly sent: Sent[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly servers: Record<string, { base: string; accounts: string[] }>) {}

  start(): void {
    this.running = true;
    for (const [server, { base, accounts }] of Object.entries(this.servers)) {
      for (const account of accounts) this.loops.push(this.loop(server, base, account));
    }
  }

  private async loop(server: string, base: string, account: string): Promise<void> {
    while (this.running) {
      const answer = await reset(base, account, randomUUID());
      this.sent.push({ server, ...answer });
      for (const wake of this.waiters.splice(0)) wake();
      // A client honours Retry-After; these only slow down, so that the outage sees many requests still.
      if (answer.status !== 200) await pause(50);
    }
  }

  /** Resolves once `condition` holds for what was answered so far (checked after each answer). */
  async until(condition: (sent: readonly Sent[]) => boolean): Promise<void> {
    while (!condition(this.sent)) {
      this.expectEveryServerAnswering();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Fails at once when a server no longer answers at all (its process exited). */
  expectEveryServerAnswering(): void {
    const gone = this.sent.find((item) => item.status === 0);
    if (gone) throw new Error(`the ${gone.server} server stopped answering: its process exited`);
  }

  /** Resolves once every server has answered `count` resets with 200 since `since`. */
  okSince(since: number, count: number): Promise<void> {
    return this.until((sent) =>
      Object.keys(this.servers).every(
        (server) =>
          sent.filter((item) => item.server === server && item.sentAt >= since && item.status === 200).length >= count,
      ),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops.splice(0));
  }
}

let postgres: ThrowawayPostgres;
let database: string;
let url: string;
const servers: Record<string, { instance: Instance; base: string; accounts: string[] }> = {};
let scenario = 0;

beforeAll(async () => {
  postgres = await startPostgres();
  database = 'ipos_faults';
  url = postgres.createDatabase(database);
  for (const kind of ['own-pool', 'host-pool']) {
    const instance = startInstance(['serve', `${kind}:${url}`]);
    servers[kind] = { instance, base: await instance.baseUrl(), accounts: [] };
  }
});

afterAll(() => {
  killInstances();
  postgres?.stop();
});

/** Fresh accounts with keys on every server, and a load over them. */
async function loadOnFreshAccounts(): Promise<ResetLoad> {
  scenario++;
  const targets: Record<string, { base: string; accounts: string[] }> = {};
  for (const [kind, server] of Object.entries(servers)) {
    server.accounts = Array.from({ length: LOOPS_PER_SERVER }, (_, index) => `${kind}-${scenario}-${index}`);
    for (const account of server.accounts) {
      const generated = await fetch(`${server.base}/credentials`, {
        method: 'POST',
        headers: { 'X-Test-Account': account },
      });
      expect(generated.status).toBe(201);
    }
    targets[kind] = { base: server.base, accounts: server.accounts };
  }
  return new ResetLoad(targets);
}

async function sql<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * What every scenario must leave: both processes alive with no stack trace printed; only 200s and 503s, each
 * 503 the contract's error with Retry-After; after retrying every key, one rotation per key and whole rows.
 */
async function expectNothingLost(load: ResetLoad): Promise<void> {
  for (const [kind, { instance }] of Object.entries(servers)) {
    expect(instance.child.exitCode, `${kind} exited`).toBeNull();
    expect(instance.child.signalCode, `${kind} was killed`).toBeNull();
    expect(instance.stderr(), `${kind} printed a stack trace`).not.toMatch(/\n\s+at /);
  }
  expect(load.sent.filter((item) => item.status !== 200 && item.status !== 503)).toEqual([]);
  for (const refused of load.sent.filter((item) => item.status === 503)) {
    expect(refused.body.errorCode).toBe('DATABASE_UNAVAILABLE');
    expect(refused.body.errorMessage).not.toMatch(/terminat|ECONN|\bat\b.*\(/i);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  }

  for (const [kind, { base, accounts }] of Object.entries(servers)) {
    for (const account of accounts) {
      const mine = load.sent.filter((item) => item.server === kind && item.account === account);
      // Every key once more: an acknowledged reset replays its first answer; a refused one is done now, or replayed.
      for (const first of mine) {
        const again = await reset(base, account, first.key);
        expect(again.status, `${kind} ${account} retry`).toBe(200);
        if (first.status === 200) expect(again.body).toEqual(first.body);
      }
      const [row] = await sql<{ rotation: string; secret_hint: string; api_key: string }>(
        'SELECT rotation, secret_hint, api_key FROM ipos_credentials WHERE account_id = $1',
        [account],
      );
      const [audited] = await sql<{ count: string }>(
        `SELECT count(*) FROM ipos_audit_log WHERE account_id = $1 AND type = 'secret-reset'`,
        [account],
      );
      expect(Number(row!.rotation), `${kind} ${account}: one rotation per key`).toBe(mine.length);
      expect(Number(audited!.count), `${kind} ${account}: one audit event per rotation`).toBe(mine.length);
      const headers = { 'X-Test-Account': account };
      const revealed = await fetch(`${base}/credentials/secret/reveal`, { method: 'POST', headers });
      const { secretKey } = (await revealed.json()) as { secretKey: string };
      expect(secretKey.slice(-4)).toBe(row!.secret_hint);
      const authenticated = await fetch(`${base}/authenticate-token`, {
        method: 'POST',
        headers: { apiKey: row!.api_key, secretKey },
      });
      expect(authenticated.status).toBe(200);
    }
  }
}

describe('PostgreSQL going away under concurrent resets', () => {
  it('keeps answering through connections terminated while idle and mid-transaction, then serves again', async () => {
    const load = await loadOnFreshAccounts();
    load.start();
    await load.okSince(0, 3);
    const admin = new pg.Client({ connectionString: postgres.url });
    admin.on('error', () => {}); // the fault tool itself must outlive the faults
    await admin.connect();
    const terminated = { idle: 0, inTransaction: 0 };
    // Every 120 ms, every connection of the servers: until both kinds were hit several times.
    for (let round = 0; round < 500 && (terminated.idle < 10 || terminated.inTransaction < 10); round++) {
      const { rows } = await admin.query<{ pid: number; state: string }>(
        'SELECT pid, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      for (const { pid, state } of rows) {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        if (state === 'idle') terminated.idle++;
        else if (state === 'active' || state?.startsWith('idle in transaction')) terminated.inTransaction++;
      }
      load.expectEveryServerAnswering();
      await pause(120);
    }
    await admin.end();
    expect(terminated.idle).toBeGreaterThanOrEqual(10);
    expect(terminated.inTransaction).toBeGreaterThanOrEqual(10);
    await load.okSince(Date.now(), 3);
    await load.stop();
    const refused = load.sent.filter((item) => item.status === 503).length;
    expect(refused).toBeGreaterThan(0);
    console.log(
      `[reliability] PostgreSQL connections terminated under concurrent resets: ${terminated.idle} idle and ${terminated.inTransaction} mid-transaction; ${load.sent.length - refused} answered 200 and ${refused} 503 with Retry-After, 0 process exits, 0 resets lost or doubled after retries`,
    );
    await expectNothingLost(load);
  });

  it('serves again by itself after a fast restart under load', async () => {
    const load = await loadOnFreshAccounts();
    load.start();
    await load.okSince(0, 3);
    const restarted = Date.now();
    await postgres.restart();
    await load.okSince(Date.now(), 3);
    await load.stop();
    const refused = load.sent.filter((item) => item.sentAt >= restarted && item.status === 503).length;
    console.log(
      `[reliability] PostgreSQL restarted (pg_ctl restart -m fast) under concurrent resets: ${refused} answered 503 with Retry-After meanwhile, 200 again without restarting the server, 0 resets lost or doubled after retries`,
    );
    await expectNothingLost(load);
  });

  it('answers 503 with Retry-After while the database is stopped for 10 s, and 200 once it is back', async () => {
    const load = await loadOnFreshAccounts();
    load.start();
    await load.okSince(0, 3);
    await postgres.halt();
    const down = Date.now();
    // The outage lasts 10 s and until every server has refused several requests sent during it.
    await load.until(
      (sent) =>
        Object.keys(servers).every(
          (server) => sent.filter((item) => item.server === server && item.sentAt >= down).length >= 10,
        ) && Date.now() - down >= OUTAGE_MS,
    );
    const during = load.sent.filter((item) => item.sentAt >= down);
    await postgres.resume();
    await load.okSince(Date.now(), 3);
    await load.stop();
    expect(during.map((item) => item.status)).toEqual(during.map(() => 503));
    console.log(
      `[reliability] PostgreSQL stopped 10 s under load: ${during.length} requests answered 503 DATABASE_UNAVAILABLE with Retry-After, 200 again without restarting the server`,
    );
    await expectNothingLost(load);
  }, 180_000); // a 10 s outage, then recovery and the check of every reset: past 60 s at a load average of 25
});

describe('authenticate-token while PostgreSQL goes away', () => {
  interface Attempt {
    status: number;
    retryAfter: string | null;
    errorCode?: string;
  }

  /** iPOSpays' route in concurrent loops on one key, so that lookups and records go in groups while the faults hit. */
  function authenticateLoops(base: string, apiKey: string, secretKey: string, loops: number) {
    const attempts: Attempt[] = [];
    let running = true;
    const looping = Array.from({ length: loops }, async () => {
      while (running) {
        try {
          const response = await fetch(`${base}/authenticate-token`, {
            method: 'POST',
            headers: { apiKey, secretKey },
          });
          const body = (await response.json()) as { errorCode?: string };
          attempts.push({ status: response.status, retryAfter: response.headers.get('Retry-After'), ...body });
          if (response.status !== 200) await pause(50);
        } catch {
          attempts.push({ status: 0, retryAfter: null });
        }
      }
    });
    const okCount = () => attempts.filter((attempt) => attempt.status === 200).length;
    return {
      attempts,
      /** Resolves once `more` further attempts were acknowledged. */
      async acknowledged(more: number): Promise<void> {
        const target = okCount() + more;
        while (okCount() < target) {
          if (attempts.some((attempt) => attempt.status === 0)) throw new Error('the server stopped answering');
          await pause(20);
        }
      },
      async stop(): Promise<void> {
        running = false;
        await Promise.all(looping);
      },
    };
  }

  it('answers every attempt 200 or 503 through terminations and a restart, and audits every one it acknowledged', async () => {
    const limits = { rateLimits: { authenticate: { limit: 1_000_000, windowSeconds: 60 } } };
    const instance = startInstance(['serve', `own-pool:${url}`, JSON.stringify(limits)]);
    const base = await instance.baseUrl();
    const account = `authenticating-${randomUUID()}`;
    const headers = { 'X-Test-Account': account };
    const generated = (await (await fetch(`${base}/credentials`, { method: 'POST', headers })).json()) as {
      keys: { apiKey: string };
    };
    const { secretKey } = (await (
      await fetch(`${base}/credentials/secret/reveal`, { method: 'POST', headers })
    ).json()) as { secretKey: string };
    const load = authenticateLoops(base, generated.keys.apiKey, secretKey, 8);
    try {
      await load.acknowledged(20);
      const admin = new pg.Client({ connectionString: postgres.url });
      admin.on('error', () => {});
      await admin.connect();
      // Every 60 ms, every connection of this database: until many attempts were caught by one.
      for (
        let round = 0;
        round < 300 && load.attempts.filter((attempt) => attempt.status === 503).length < 30;
        round++
      ) {
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await pause(60);
      }
      await admin.end();
      await load.acknowledged(20);
      await postgres.restart();
      // Served again with no restart of the server: the groups go on after a failed write.
      await load.acknowledged(20);
    } finally {
      await load.stop();
    }

    expect(instance.child.exitCode, 'the server exited').toBeNull();
    expect(instance.stderr(), 'a stack trace').not.toMatch(/\n\s+at /);
    const statuses = new Set(load.attempts.map((attempt) => attempt.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    for (const refused of load.attempts.filter((attempt) => attempt.status === 503)) {
      expect(refused.errorCode).toBe('DATABASE_UNAVAILABLE');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    // An acknowledged authentication is audited; one whose answer was lost to the fault may be audited too.
    const acknowledged = load.attempts.filter((attempt) => attempt.status === 200).length;
    const [audited] = await sql<{ count: string }>(
      `SELECT count(*) FROM ipos_audit_log WHERE account_id = $1 AND type = 'authenticated'`,
      [account],
    );
    expect(Number(audited!.count)).toBeGreaterThanOrEqual(acknowledged);
    expect(Number(audited!.count)).toBeLessThanOrEqual(load.attempts.length);
    console.log(
      `[reliability] authenticate-token in 8 loops through terminations and a fast restart: ${acknowledged} acknowledged, ` +
        `${load.attempts.length - acknowledged} answered 503 DATABASE_UNAVAILABLE, ${audited!.count} audited`,
    );
  }, 180_000);
});
