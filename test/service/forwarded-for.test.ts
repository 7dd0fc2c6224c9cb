/**
 * The client's address behind a real nginx: clients connect from 127.0.0.3 (and 127.0.0.4) to nginx on 127.0.0.1,
 * which appends them to `X-Forwarded-For`; the service trusts 127.0.0.1 alone. Whatever a client writes in its own
 * `X-Forwarded-For`, the stored source and `lastUsedFrom` are its real address, and the authenticate-token limit
 * counts it as one client (and the key as one key, whichever client tries it).
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNginx, type ThrowawayNginx } from '../support/nginx.js';
import { madeKeys } from './keys.js';
import { SecretsSeen } from './leaks.js';
import { jwtSettings, makePortal, type Portal } from './portal.js';
import {
  freshDatabase,
  killServices,
  query,
  serviceOutput,
  startService,
  type ServiceProcess,
} from './service-process.js';

const CLIENT = '127.0.0.3';
const NEIGHBOUR = '127.0.0.4';
/** Where the test goes on should its requests straddle an hour (the limit's windows are clock hours). */
const SPARE_CLIENTS = ['127.0.0.5', '127.0.0.6'];
const LIMIT = 10;
const secrets = new SecretsSeen();
let folder: string;
let portal: Portal;
let database: string;
let service: ServiceProcess;
let nginx: ThrowawayNginx;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ipos-service-xff-'));
  portal = await makePortal();
  database = await freshDatabase();
  service = await startService({
    IPOS_DATABASE: database,
    ...(await madeKeys(secrets)).env,
    ...jwtSettings(folder, portal),
    IPOS_TRUSTED_PROXIES: '127.0.0.1',
    IPOS_RATE_LIMITS: `authenticate:${LIMIT}/3600`,
  });
  nginx = await startNginx({ upstreams: [`127.0.0.1:${service.port}`], proxyPath: '/api/ipos/' });
});

afterAll(async () => {
  await service?.stop();
  await nginx?.stop();
  await killServices();
  rmSync(folder, { recursive: true, force: true });
  secrets.expectAbsentFrom(serviceOutput.join(''));
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { keys?: Record<string, unknown> };
}

/** A request through nginx from `localAddress`, with the headers a hostile client chooses. */
function from(localAddress: string, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${nginx.url}/api/ipos${path}`, { method, headers, localAddress }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const body = JSON.parse(text || '{}');
        if (typeof body.secretKey === 'string') secrets.add(body.secretKey);
        if (typeof body.token === 'string') secrets.addToken(body.token);
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

it('stores the real client behind nginx and holds the authenticate-token limit, however X-Forwarded-For is forged', async () => {
  const token = await portal.token({ sub: 'forwarded', role: 'merchant' });
  secrets.addToken(token);
  const admin = { Authorization: `Bearer ${token}`, 'X-Forwarded-For': '198.51.100.7' };
  const generated = await from(CLIENT, 'POST', '/credentials', admin);
  expect(generated.status).toBe(201);
  const apiKey = generated.body.keys?.['apiKey'] as string;
  const { secretKey } = (await from(CLIENT, 'POST', '/credentials/secret/reveal', admin)).body as {
    secretKey: string;
  };

  /** The right secret once, then wrong ones, each with a new forged chain (some long): the statuses of the wrong. */
  async function bruteForce(client: string): Promise<number[]> {
    const right = await from(client, 'POST', '/authenticate-token', {
      apiKey,
      secretKey,
      'X-Forwarded-For': '203.0.113.9',
    });
    expect(right.status).toBe(200);
    expect((await from(client, 'GET', '/credentials', admin)).body.keys?.['lastUsedFrom']).toBe(client);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3 * LIMIT; attempt++) {
      const forged =
        attempt % 5 === 0 ? `${'x'.repeat(1000)}, 192.0.2.${attempt}` : `203.0.113.${attempt}, 192.0.2.${attempt}`;
      const answer = await from(client, 'POST', '/authenticate-token', {
        apiKey,
        secretKey: `dskey_${'w'.repeat(32)}`,
        'X-Forwarded-For': forged,
      });
      statuses.push(answer.status);
    }
    return statuses;
  }

  const clients: string[] = [];
  let statuses: number[] = [];
  for (const client of [CLIENT, ...SPARE_CLIENTS]) {
    const hour = Math.floor(Date.now() / 3_600_000);
    clients.push(client);
    statuses = await bruteForce(client);
    if (Math.floor(Date.now() / 3_600_000) === hour) break;
  }
  // One client to the limit, however it forges: the right secret counted too, so LIMIT - 1 wrong ones get their
  // 401, every later one a 429.
  expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT - 1);
  expect(statuses.filter((status) => status === 429)).toHaveLength(3 * LIMIT - (LIMIT - 1));
  // The key's window is spent from any address, so a key tried from many clients gains nothing...
  expect((await from(NEIGHBOUR, 'POST', '/authenticate-token', { apiKey, secretKey })).status).toBe(429);
  // ...while another client behind the same nginx has a window of its own for another account's key.
  const neighbourToken = await portal.token({ sub: 'neighbour', role: 'merchant' });
  secrets.addToken(neighbourToken);
  const neighbourAdmin = { Authorization: `Bearer ${neighbourToken}` };
  const neighbourKey = (await from(NEIGHBOUR, 'POST', '/credentials', neighbourAdmin)).body.keys?.['apiKey'] as string;
  const neighbourSecret = (await from(NEIGHBOUR, 'POST', '/credentials/secret/reveal', neighbourAdmin)).body[
    'secretKey'
  ] as string;
  const neighbourAnswer = await from(NEIGHBOUR, 'POST', '/authenticate-token', {
    apiKey: neighbourKey,
    secretKey: neighbourSecret,
  });
  expect(neighbourAnswer.status).toBe(200);

  const sources = await query<{ type: string; source: string }>(
    database,
    "SELECT DISTINCT type, source FROM ipos_audit_log WHERE account_id = 'forwarded' ORDER BY type, source",
  );
  // Every stored source is a real client: none of the forged addresses, nor nginx's own.
  expect(sources).toEqual(
    [
      ...clients.map((source) => ({ type: 'authenticated', source })),
      ...clients.map((source) => ({ type: 'authentication-failed', source })),
      { type: 'keys-generated', source: CLIENT },
      { type: 'secret-revealed', source: CLIENT },
    ].sort((a, b) => a.type.localeCompare(b.type) || a.source.localeCompare(b.source)),
  );
  const [row] = await query<{ last_used_from: string }>(
    database,
    "SELECT last_used_from FROM ipos_credentials WHERE account_id = 'forwarded'",
  );
  expect(row?.last_used_from).toBe(clients.at(-1));
  const [neighbourRow] = await query<{ last_used_from: string }>(
    database,
    "SELECT last_used_from FROM ipos_credentials WHERE account_id = 'neighbour'",
  );
  expect(neighbourRow?.last_used_from).toBe(NEIGHBOUR);
});
