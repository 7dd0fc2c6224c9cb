/**
 * Operating the service: `/healthz`, `/readyz` (503 while PostgreSQL is stopped, 200 once it is back, with
 * no restart), `/metrics` (on the main port or its own), and SIGTERM: no new connections, requests in flight
 * finish (up to the deadline), the pool closes, exit 0 — and every reset acknowledged during a burst is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx } from '../support/nginx.js';
import { startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { madeKeys } from './keys.js';
import { SecretsSeen } from './leaks.js';
import { jwtSettings, makePortal, portalServer, type Portal } from './portal.js';
import {
  freshDatabase,
  killServices,
  query,
  serviceOutput,
  startService,
  type ServiceProcess,
} from './service-process.js';

const secrets = new SecretsSeen();
let folder: string;
let portal: Portal;
let keyEnv: Record<string, string>;
/** A PostgreSQL of this file's own: stopping it must not disturb the other files' databases. */
let postgres: ThrowawayPostgres;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ipos-service-ops-'));
  portal = await makePortal();
  keyEnv = {
    ...(await madeKeys(secrets)).env,
    ...jwtSettings(folder, portal),
  };
  postgres = await startPostgres();
});

afterAll(async () => {
  await killServices();
  postgres?.stop();
  rmSync(folder, { recursive: true, force: true });
  secrets.expectAbsentFrom(serviceOutput.join(''));
});

async function bearer(accountId: string, extra: Record<string, unknown> = {}) {
  const token = await portal.token({ sub: accountId, role: 'merchant', ...extra });
  secrets.addToken(token);
  return { Authorization: `Bearer ${token}` };
}

async function status(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => undefined);
  if (typeof body?.secretKey === 'string') secrets.add(body.secretKey);
  return response.status;
}

/** Whether the port still accepts a TCP connection. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('health, readiness and metrics', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService({ ...keyEnv, IPOS_DATABASE: postgres.createDatabase('ops_ready') });
  });
  afterAll(() => service?.stop());

  it('answers /healthz and /readyz with 200 once started', async () => {
    expect(await status(`${service.url}/healthz`)).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('answers /readyz 503 while PostgreSQL is stopped, and 200 once it is back, without a restart', async () => {
    expect(
      await status(`${service.url}/api/ipos/credentials`, { method: 'POST', headers: await bearer('outage') }),
    ).toBe(201);
    await postgres.halt();
    try {
      const notReady = await fetch(`${service.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect((await notReady.json()).reason).toMatch(/^database unreachable/);
      expect(await status(`${service.url}/healthz`)).toBe(200);
    } finally {
      await postgres.resume();
    }
    expect(await status(`${service.url}/readyz`)).toBe(200);
    expect(await status(`${service.url}/api/ipos/credentials`, { headers: await bearer('outage') })).toBe(200);
    expect(service.child.exitCode).toBeNull();
  });

  it('answers the contract 503 DATABASE_UNAVAILABLE with Retry-After while PostgreSQL is stopped, and counts it', async () => {
    const unavailable = async () =>
      Number(
        /^ipos_database_errors_total\{kind="unavailable"\} (\d+)/m.exec(
          await (await fetch(`${service.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await unavailable();
    await postgres.halt();
    try {
      const response = await fetch(`${service.url}/api/ipos/credentials`, { headers: await bearer('outage') });
      expect([response.status, (await response.json()).errorCode]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      expect(response.headers.get('Retry-After')).toMatch(/^[1-9]\d*$/);
    } finally {
      await postgres.resume();
    }
    expect((await unavailable()) - before).toBe(1);
    expect(await status(`${service.url}/api/ipos/credentials`, { headers: await bearer('outage') })).toBe(200);
  });

  it('serves Prometheus metrics: requests by operation and status, latency, pool use, process', async () => {
    await fetch(`${service.url}/api/ipos/credentials`, { headers: await bearer('metered') });
    await fetch(`${service.url}/api/ipos/credentials`);
    const response = await fetch(`${service.url}/metrics`);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^ipos_http_requests_total\{operation="getCredentials",status="200"\} [1-9]/m);
    expect(text).toMatch(/^ipos_http_requests_total\{operation="getCredentials",status="401"\} [1-9]/m);
    expect(text).toMatch(/^ipos_http_request_duration_seconds_count\{operation="getCredentials",status="200"\} [1-9]/m);
    expect(text).toMatch(/^ipos_database_pool_connections\{state="total"\} [1-9]/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('serves /metrics on a port of its own when told, and not on the main one', async () => {
    const separate = await startService({ ...keyEnv, IPOS_DATABASE: 'memory', IPOS_METRICS_PORT: '0' });
    try {
      const metricsUrl = (await separate.logLine((line) => line.msg === 'listening'))['metricsUrl'] as string;
      expect(await (await fetch(`${metricsUrl}/metrics`)).text()).toContain('ipos_http_requests_total');
      expect(await status(`${separate.url}/metrics`)).toBe(404);
    } finally {
      expect(await separate.stop()).toBe(0);
    }
  });
});

describe('SIGTERM', () => {
  /** A portal whose terminals answer waits until the test lets it go: a request held in flight. */
  async function heldPortal() {
    const held: ServerResponse[] = [];
    let arrived: () => void = () => {};
    const server = await portalServer((_req, res) => {
      held.push(res);
      arrived();
    });
    return {
      server,
      /** Resolves once a request is being held. */
      holding: () => new Promise<void>((resolve) => (held.length ? resolve() : (arrived = resolve))),
      release: () => {
        for (const res of held.splice(0))
          res.end(JSON.stringify({ terminals: [{ tpn: '139322815010', label: 'Desk' }] }));
      },
    };
  }

  it('stops accepting, lets the request in flight finish, then exits 0', async () => {
    const terminals = await heldPortal();
    const service = await startService({
      ...keyEnv,
      IPOS_DATABASE: 'memory',
      IPOS_TERMINALS_URL: `${terminals.server.url}/t`,
    });
    try {
      const inFlight = fetch(`${service.url}/api/ipos/terminals`, { headers: await bearer('slow') });
      await terminals.holding();
      service.child.kill('SIGTERM');
      await service.logLine((line) => line.msg.startsWith('stopping: no new connections'));
      expect(await accepts(service.port)).toBe(false);
      expect(service.child.exitCode).toBeNull();
      terminals.release();
      const answer = await inFlight;
      expect([answer.status, (await answer.json()).terminals.length]).toEqual([200, 1]);
      expect(await service.exited).toBe(0);
      // The request's line, then "stopped": every line written in the order it was logged, the last one too.
      const lines = service.logs();
      expect(lines.slice(-2).map((line) => line.msg)).toEqual(['request', 'stopped']);
      const times = lines.map((line) => line['time'] as string);
      expect(times).toEqual([...times].sort());
    } finally {
      await terminals.server.close();
    }
  });

  it('closes what is still in flight at the deadline and exits 0', async () => {
    const terminals = await heldPortal();
    const service = await startService({
      ...keyEnv,
      IPOS_DATABASE: 'memory',
      IPOS_TERMINALS_URL: `${terminals.server.url}/t`,
      IPOS_TERMINALS_TIMEOUT_MS: '60000',
      IPOS_SHUTDOWN_SECONDS: '1',
    });
    try {
      const inFlight = fetch(`${service.url}/api/ipos/terminals`, { headers: await bearer('stuck') }).then(
        (response) => response.status,
        () => 'connection closed',
      );
      await terminals.holding();
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(await inFlight).toBe('connection closed');
      expect(service.logs().some((line) => line.msg.startsWith('stopping: deadline passed'))).toBe(true);
    } finally {
      terminals.release();
      await terminals.server.close();
    }
  });

  it('keeps every reset it acknowledged when stopped in the middle of a burst behind nginx', async () => {
    const database = await freshDatabase();
    const service = await startService({ ...keyEnv, IPOS_DATABASE: database, IPOS_TRUSTED_PROXIES: '127.0.0.1' });
    const nginx = await startNginx({ upstreams: [`127.0.0.1:${service.port}`], proxyPath: '/api/ipos/' });
    try {
      const accounts = Array.from({ length: 12 }, (_, index) => `burst-${index}`);
      const headers = new Map(await Promise.all(accounts.map(async (id) => [id, await bearer(id)] as const)));
      for (const id of accounts) {
        expect(await status(`${nginx.url}/api/ipos/credentials`, { method: 'POST', headers: headers.get(id) })).toBe(
          201,
        );
      }
      /** Each account's acknowledged resets: the `secretRotatedAt` of every 200. */
      const acknowledged = new Map<string, string[]>(accounts.map((id) => [id, []]));
      let total = 0;
      let stopSent: () => void = () => {};
      const enough = new Promise<void>((resolve) => (stopSent = resolve));
      // Each account resets in a loop (at most 10, its rate limit) until the service stops answering.
      const loops = accounts.map(async (id) => {
        for (let index = 0; index < 10; index++) {
          const response = await fetch(`${nginx.url}/api/ipos/credentials/secret/reset`, {
            method: 'POST',
            headers: { ...headers.get(id), 'Idempotency-Key': `${id}-${index}` },
          }).catch(() => null);
          if (response?.status !== 200) return;
          acknowledged.get(id)!.push((await response.json()).keys.secretRotatedAt);
          if (++total === 30) stopSent();
        }
      });
      await enough;
      service.child.kill('SIGTERM');
      await Promise.all(loops);
      expect(await service.exited).toBe(0);
      expect(total).toBeGreaterThanOrEqual(30);

      const events = await query<{ account_id: string; at: string }>(
        database,
        "SELECT account_id, at FROM ipos_audit_log WHERE type = 'secret-reset'",
      );
      const rows = await query<{ account_id: string; rotation: string }>(
        database,
        'SELECT account_id, rotation FROM ipos_credentials',
      );
      for (const id of accounts) {
        const stored = events
          .filter((event) => event.account_id === id)
          .map((event) => new Date(Number(event.at)).toISOString());
        // Every acknowledged reset is stored, and each stored reset is one rotation of the row (no half-written one).
        expect(stored).toEqual(expect.arrayContaining(acknowledged.get(id)!));
        expect(Number(rows.find((row) => row.account_id === id)?.rotation)).toBe(stored.length);
      }
    } finally {
      await service.stop();
      await nginx.stop();
    }
  });
});
