#!/usr/bin/env node
/* global fetch */
// `npm run bench:server`: the credentials service's throughput → bench/server.json. Everything runs in one run,
// on this machine, loaded by the same generator (autocannon, 10 connections, a fixed time):
// - the limit: a bare `node:http` server signing one RS256 JWT per request with the service's key
//   (scripts/bench/bare-signer.mjs), measured before and after the stores, the mean used;
// - `ipos-credential-elements serve` on memory, a PGlite folder and a throwaway PostgreSQL: authenticate-token
//   and reveal (JWT identity; their rate limits lifted), each as a ratio to the limit; reset and token-issue latency;
// - two instances on one PostgreSQL behind nginx against one instance behind the same nginx.
// `--quick` loads for a quarter of the time (a smoke run).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { runnerImport } from 'vite';
import { buildServicePackage } from './service-package.mjs';

const quick = process.argv.includes('--quick');
const LOAD_SECONDS = quick ? 2 : 8;
const CONNECTIONS = 10;
const LATENCY_SAMPLES = quick ? 20 : 200;
/** One client and one account, far past a minute's allowance of every limit: the bench lifts them. */
const UNLIMITED = 'off';
const GOALS = { memoryRatio: 0.8, postgresRatio: 0.6, twoInstancesOverOne: 1.5 };
const root = resolve(import.meta.dirname, '..');
const ISSUER = 'https://portal.bench';
const AUDIENCE = 'ipos-credentials';

const round = (value, digits = 2) => Number(value.toFixed(digits));
const support = async (file) => (await runnerImport(join(root, file), { configFile: false, logLevel: 'error' })).module;

/** Starts a child that prints a line containing its port; resolves with it and the port. */
function startChild(args, env, portOf) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePort, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const port = portOf(line);
      if (!port) return;
      // From here its log lines are drained unread: the bench must not spend the cores parsing them.
      lines.close();
      child.stdout.resume();
      resolvePort({ child, port });
    });
  });
}

async function stopChild({ child }) {
  if (child.exitCode !== null) return;
  const closed = new Promise((done) => child.once('close', done));
  child.kill('SIGTERM');
  await closed;
}

function cannon(options) {
  return new Promise((done, reject) =>
    autocannon({ connections: CONNECTIONS, timeout: 30, duration: LOAD_SECONDS, ...options }, (error, result) =>
      error ? reject(error) : done(result),
    ),
  );
}

/** Requests per second under the load, refusing any non-2xx (a bench of errors measures nothing). */
async function throughput(label, options) {
  const result = await cannon(options);
  if (result.non2xx || result.errors) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    perSecond: round(result.requests.total / result.duration, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

async function latencies(label, request) {
  const times = [];
  for (let index = 0; index < LATENCY_SAMPLES; index++) {
    const started = performance.now();
    const response = await request(index);
    if (!response.ok) throw new Error(`${label} answered ${response.status}`);
    await response.arrayBuffer();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p) => round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]);
  return { p50Ms: at(50), p99Ms: at(99), samples: times.length };
}

const folder = mkdtempSync(join(tmpdir(), 'ipos-bench-'));
const bin = await buildServicePackage(join(root, 'node_modules/.cache/ipos-bench-service'));
const keysRun = spawn(process.execPath, [bin, 'keys', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
let keysText = '';
keysRun.stdout.on('data', (chunk) => (keysText += chunk));
await new Promise((done) => keysRun.once('close', done));
const keys = JSON.parse(keysText);
const pemFile = join(folder, 'signing.pem');
writeFileSync(pemFile, keys.signingKey.privateKey);

// The portal: a JWKS file and one JWT per bench account.
const portalKey = await generateKeyPair('RS256');
writeFileSync(
  join(folder, 'jwks.json'),
  JSON.stringify({ keys: [{ ...(await exportJWK(portalKey.publicKey)), kid: 'bench', alg: 'RS256' }] }),
);
const bearer = async (accountId) =>
  `Bearer ${await new SignJWT({ sub: accountId, role: 'merchant', terminals: ['139322815010'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(portalKey.privateKey)}`;

const serviceEnv = (database) => ({
  IPOS_DATABASE: database,
  IPOS_PORT: '0',
  IPOS_DATA_KEYS: `${keys.dataKeys.currentKeyId}:${keys.dataKeys.keys[keys.dataKeys.currentKeyId]}`,
  IPOS_SIGNING_KEY_FILE: pemFile,
  IPOS_IDENTITY: 'jwt',
  IPOS_JWT_JWKS_FILE: join(folder, 'jwks.json'),
  IPOS_JWT_ISSUER: ISSUER,
  IPOS_JWT_AUDIENCE: AUDIENCE,
  IPOS_TRUSTED_PROXIES: '127.0.0.1',
  IPOS_RATE_LIMITS: UNLIMITED,
});
const startService = (database) =>
  startChild([bin, 'serve'], serviceEnv(database), (line) => {
    const entry = line.startsWith('{') ? JSON.parse(line) : {};
    return entry.msg === 'listening' ? Number(new URL(entry.url).port) : undefined;
  });
const startBare = () =>
  startChild([join(root, 'scripts/bench/bare-signer.mjs'), pemFile], {}, (line) =>
    line.startsWith('listening ') ? Number(line.split(' ')[1]) : undefined,
  );

/** Keys for `accountId` through `base`; resolves with the authenticate-token headers. */
async function prepareAccount(base, accountId) {
  const authorization = await bearer(accountId);
  const post = (path) => fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: authorization } });
  const generated = await (await post('/credentials')).json();
  const { secretKey } = await (await post('/credentials/secret/reveal')).json();
  return { authorization, authenticate: { apiKey: generated.keys.apiKey, secretKey } };
}

async function authenticateThroughput(base, headers) {
  for (let index = 0; index < 20; index++) {
    await (await fetch(`${base}/authenticate-token`, { method: 'POST', headers })).arrayBuffer();
  }
  return throughput('authenticate-token', { url: `${base}/authenticate-token`, method: 'POST', headers });
}

async function measureBare() {
  const bare = await startBare();
  try {
    const url = `http://127.0.0.1:${bare.port}/`;
    for (let index = 0; index < 20; index++) await (await fetch(url, { method: 'POST' })).arrayBuffer();
    return await throughput('bare signer', { url, method: 'POST' });
  } finally {
    await stopChild(bare);
  }
}

async function measureStore(kind, database) {
  const service = await startService(database);
  const base = `http://127.0.0.1:${service.port}/api/ipos`;
  try {
    const { authorization, authenticate } = await prepareAccount(base, `bench-${kind}`);
    const authenticateToken = await authenticateThroughput(base, authenticate);
    const reveal = await throughput('reveal', {
      url: `${base}/credentials/secret/reveal`,
      method: 'POST',
      headers: { Authorization: authorization },
    });
    const resetSecret = await latencies('reset', (index) =>
      fetch(`${base}/credentials/secret/reset`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Idempotency-Key': `r-${index}` },
      }),
    );
    const issueToken = await latencies('token', (index) =>
      fetch(`${base}/tokens`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json', 'Idempotency-Key': `t-${index}` },
        body: JSON.stringify({ tpn: '139322815010', expiresInMinutes: 60 }),
      }),
    );
    return { authenticateToken, reveal, resetSecret, issueToken };
  } finally {
    await stopChild(service);
  }
}

/** authenticate-token through nginx, in front of one instance and then of two, all on one PostgreSQL. */
async function measureInstances(database, nginxSupport) {
  const services = [await startService(database), await startService(database)];
  const results = {};
  try {
    const direct = `http://127.0.0.1:${services[0].port}/api/ipos`;
    const { authenticate } = await prepareAccount(direct, 'bench-instances');
    for (const count of [1, 2]) {
      const nginx = await nginxSupport.startNginx({
        upstreams: services.slice(0, count).map((service) => `127.0.0.1:${service.port}`),
        proxyPath: '/api/ipos/',
      });
      try {
        results[count === 1 ? 'oneInstance' : 'twoInstances'] = await authenticateThroughput(
          `${nginx.url}/api/ipos`,
          authenticate,
        );
      } finally {
        await nginx.stop();
      }
    }
  } finally {
    await Promise.all(services.map(stopChild));
  }
  return {
    ...results,
    twoOverOne: round(results.twoInstances.perSecond / results.oneInstance.perSecond),
  };
}

const { startPostgres } = await support('test/support/postgres.ts');
const nginxSupport = await support('test/support/nginx.ts');
const postgres = await startPostgres();
const report = { stores: {} };
try {
  console.log('measuring the bare node:http + jose RS256 signer…');
  const bareBefore = await measureBare();
  console.log(`  ${JSON.stringify(bareBefore)}`);
  for (const [kind, database] of [
    ['memory', 'memory'],
    ['pglite', join(folder, 'pglite')],
    ['postgres', postgres.createDatabase('bench_one')],
  ]) {
    console.log(`measuring the service on ${kind}…`);
    report.stores[kind] = await measureStore(kind, database);
    console.log(`  ${JSON.stringify(report.stores[kind])}`);
  }
  console.log('measuring one and two instances on one PostgreSQL behind nginx…');
  report.instances = await measureInstances(postgres.createDatabase('bench_two'), nginxSupport);
  console.log(`  ${JSON.stringify(report.instances)}`);
  console.log('measuring the bare signer again…');
  const bareAfter = await measureBare();
  console.log(`  ${JSON.stringify(bareAfter)}`);
  report.limit = {
    before: bareBefore,
    after: bareAfter,
    perSecond: round((bareBefore.perSecond + bareAfter.perSecond) / 2, 0),
  };
} finally {
  postgres.stop();
  rmSync(folder, { recursive: true, force: true });
}

for (const figures of Object.values(report.stores)) {
  figures.authenticateToken.ratioToLimit = round(figures.authenticateToken.perSecond / report.limit.perSecond);
  figures.reveal.ratioToLimit = round(figures.reveal.perSecond / report.limit.perSecond);
}
const written = {
  generatedAt: new Date().toISOString(),
  machine: { cores: availableParallelism(), node: process.version },
  load: {
    seconds: LOAD_SECONDS,
    connections: CONNECTIONS,
    latencySamples: LATENCY_SAMPLES,
    rateLimits: UNLIMITED,
    quick,
  },
  goals: GOALS,
  limit: report.limit,
  stores: report.stores,
  instances: report.instances,
  met: {
    memory: report.stores.memory.authenticateToken.ratioToLimit >= GOALS.memoryRatio,
    postgres: report.stores.postgres.authenticateToken.ratioToLimit >= GOALS.postgresRatio,
    twoInstances: report.instances.twoOverOne >= GOALS.twoInstancesOverOne,
  },
};
mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/server.json'), `${JSON.stringify(written, null, 2)}\n`);
console.log(JSON.stringify(written.met));
console.log('wrote bench/server.json');
