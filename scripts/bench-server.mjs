#!/usr/bin/env node
/* global fetch */
// `npm run bench:server`: the credentials service's throughput → bench/server.json. Everything runs in one run, on
// this machine, loaded by the same generator (autocannon, 10 connections, a fixed time per measurement):
// - the limit: a bare `node:http` server signing one RS256 JWT per request with the service's key
//   (scripts/bench/bare-signer.mjs);
// - `ipos-credential-elements serve` on memory, a PGlite folder and a throwaway PostgreSQL: authenticate-token and
//   reveal (JWT identity; their rate limits lifted), each as a ratio to the limit; reset and token-issue latency;
// - one and two instances on one PostgreSQL, each behind its own nginx.
// Every process starts once. Then, round after round, each is loaded in turn, the limit first and again at the end:
// a ratio compares a measurement with the limit's on either side of it in the same round, and the figures written
// are the medians over rounds, so that a machine whose load comes and goes moves both sides of a ratio alike. Each
// measurement also records the CPU time the measured processes spent per request and how idle the machine was
// (from /proc): where a goal is missed, that is its measured cause, written beside it.
// `--quick` runs two short rounds (a smoke run).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { runnerImport } from 'vite';
import { cpuMsSince, cpuSnapshot, idleShare, machineTicks, processTree, threadsMs } from './bench/cpu-time.mjs';
import { buildServicePackage } from './service-package.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 5;
const LOAD_SECONDS = quick ? 2 : 4;
/** Load before the first round, per target: V8 optimises a service's code over its first few thousand requests. */
const WARM_SECONDS = quick ? 3 : 8;
const CONNECTIONS = 10;
const LATENCY_SAMPLES = quick ? 20 : 200;
/** One client and one account, far past a minute's allowance of every limit: the bench lifts them. */
const UNLIMITED = 'off';
const GOALS = { memoryRatio: 0.8, postgresRatio: 0.6, twoInstancesOverOne: 1.5 };
const root = resolve(import.meta.dirname, '..');
const ISSUER = 'https://portal.bench';
const AUDIENCE = 'ipos-credentials';

const round = (value, digits = 2) => Number(value.toFixed(digits));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
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

/** The CPU ms of the target's Node processes: their main threads (event loops), and their other threads. */
function nodeThreadsMs(target) {
  return target.nodes().reduce(
    (sum, pid) => {
      const threads = threadsMs(pid);
      return { main: sum.main + threads.main, others: sum.others + threads.others };
    },
    { main: 0, others: 0 },
  );
}

/**
 * One measurement: requests per second under the load (refusing any non-2xx: a bench of errors measures nothing),
 * latency, the CPU ms the target's processes spent per request, and the machine's idle share meanwhile.
 */
async function measure(target) {
  const cpuBefore = cpuSnapshot(target.pids);
  const threadsBefore = nodeThreadsMs(target);
  const ticksBefore = machineTicks();
  const result = await new Promise((done, reject) =>
    autocannon(
      { connections: CONNECTIONS, timeout: 30, duration: LOAD_SECONDS, method: 'POST', ...target.load },
      (error, answer) => (error ? reject(error) : done(answer)),
    ),
  );
  const idle = idleShare(ticksBefore, machineTicks());
  const cpu = cpuMsSince(cpuBefore, target.pids);
  const threads = nodeThreadsMs(target);
  if (result.non2xx || result.errors) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return {
    perSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: cpu / result.requests.total,
    mainThreadMsPerRequest: (threads.main - threadsBefore.main) / result.requests.total,
    otherThreadsMsPerRequest: (threads.others - threadsBefore.others) / result.requests.total,
    idle,
    loadAverage: loadavg()[0],
  };
}

/** The medians of a target's rounds. */
function summary(measurements) {
  return {
    perSecond: round(median(measurements.map((m) => m.perSecond)), 0),
    p50Ms: median(measurements.map((m) => m.p50Ms)),
    p99Ms: median(measurements.map((m) => m.p99Ms)),
    cpuMsPerRequest: round(median(measurements.map((m) => m.cpuMsPerRequest)), 3),
    mainThreadMsPerRequest: round(median(measurements.map((m) => m.mainThreadMsPerRequest)), 3),
    otherThreadsMsPerRequest: round(median(measurements.map((m) => m.otherThreadsMsPerRequest)), 3),
    machineIdle: round(median(measurements.map((m) => m.idle))),
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

/** The load, unmeasured, before the first round: modules loaded, keys imported, pools filled, code optimised. */
async function warm(target) {
  const result = await new Promise((done, reject) =>
    autocannon(
      { connections: CONNECTIONS, timeout: 30, duration: WARM_SECONDS, method: 'POST', ...target.load },
      (error, answer) => (error ? reject(error) : done(answer)),
    ),
  );
  if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx while warming up`);
}

const { startPostgres } = await support('test/support/postgres.ts');
const { startNginx } = await support('test/support/nginx.ts');
const postgres = await startPostgres();
const postgresPort = new URL(postgres.url).port;
const postgresPids = () =>
  processTree((argv) => argv[0]?.endsWith('/postgres') === true && argv.includes(postgresPort));
const started = [];
const proxies = [];
const report = { stores: {} };
/** Each target's measurements, by name, round after round. */
const runs = {};
try {
  const bare = await startBare();
  started.push(bare);
  const limit = {
    name: 'limit',
    load: { url: `http://127.0.0.1:${bare.port}/` },
    pids: () => [bare.child.pid],
    nodes: () => [bare.child.pid],
  };
  /** What is measured, store by store: authenticate-token and reveal through one service each. */
  const targets = [];
  for (const [kind, database] of [
    ['memory', 'memory'],
    ['pglite', join(folder, 'pglite')],
    ['postgres', postgres.createDatabase('bench_one')],
  ]) {
    const service = await startService(database);
    started.push(service);
    const base = `http://127.0.0.1:${service.port}/api/ipos`;
    const account = await prepareAccount(base, `bench-${kind}`);
    const pids = kind === 'postgres' ? () => [service.child.pid, ...postgresPids()] : () => [service.child.pid];
    targets.push(
      {
        name: `${kind}.authenticateToken`,
        load: { url: `${base}/authenticate-token`, headers: account.authenticate },
        pids,
        nodes: () => [service.child.pid],
      },
      {
        name: `${kind}.reveal`,
        load: { url: `${base}/credentials/secret/reveal`, headers: { Authorization: account.authorization } },
        pids,
        nodes: () => [service.child.pid],
      },
    );
    report.stores[kind] = { base, authorization: account.authorization };
  }
  // One and two instances on one PostgreSQL, each set behind its own nginx.
  const sharedDatabase = postgres.createDatabase('bench_two');
  const instances = [await startService(sharedDatabase), await startService(sharedDatabase)];
  started.push(...instances);
  const shared = await prepareAccount(`http://127.0.0.1:${instances[0].port}/api/ipos`, 'bench-instances');
  for (const count of [1, 2]) {
    const nginx = await startNginx({
      upstreams: instances.slice(0, count).map((instance) => `127.0.0.1:${instance.port}`),
      proxyPath: '/api/ipos/',
    });
    proxies.push(nginx);
    targets.push({
      name: count === 1 ? 'instances.one' : 'instances.two',
      load: { url: `${nginx.url}/api/ipos/authenticate-token`, headers: shared.authenticate },
      pids: () => [...instances.slice(0, count).map((instance) => instance.child.pid), ...postgresPids()],
      nodes: () => instances.slice(0, count).map((instance) => instance.child.pid),
    });
  }
  for (const target of [limit, ...targets]) await warm(target);

  Object.assign(runs, Object.fromEntries([limit, ...targets].map((target) => [target.name, []])));
  const ratios = Object.fromEntries(targets.map((target) => [target.name, []]));
  for (let index = 0; index < ROUNDS; index++) {
    console.log(`round ${index + 1} of ${ROUNDS}`);
    const before = runs.limit.at(-1) ?? (await measure(limit));
    if (index === 0) runs.limit.push(before);
    const measured = [];
    for (const target of targets) measured.push([target, await measure(target)]);
    const after = await measure(limit);
    runs.limit.push(after);
    const limitPerSecond = (before.perSecond + after.perSecond) / 2;
    console.log(
      `  limit ${round(before.perSecond, 0)} → ${round(after.perSecond, 0)}/s, ${round(after.cpuMsPerRequest, 3)} ms CPU a request (main thread ${round(after.mainThreadMsPerRequest, 3)}), load average ${round(after.loadAverage, 1)}`,
    );
    for (const [target, result] of measured) {
      runs[target.name].push(result);
      ratios[target.name].push(result.perSecond / limitPerSecond);
      console.log(
        `  ${target.name}: ${round(result.perSecond, 0)}/s (${round(result.perSecond / limitPerSecond)}×), ${round(result.cpuMsPerRequest, 3)} ms CPU a request (main thread ${round(result.mainThreadMsPerRequest, 3)}), machine ${Math.round(result.idle * 100)} % idle`,
      );
    }
  }

  report.limit = { ...summary(runs.limit), rounds: runs.limit.map((m) => round(m.perSecond, 0)) };
  const figures = (name) => ({
    ...summary(runs[name]),
    ratioToLimit: round(median(ratios[name])),
    ratioRange: [round(Math.min(...ratios[name])), round(Math.max(...ratios[name]))],
    cpuOverLimit: round(median(runs[name].map((m) => m.cpuMsPerRequest)) / report.limit.cpuMsPerRequest),
  });
  for (const kind of Object.keys(report.stores)) {
    const { base, authorization } = report.stores[kind];
    report.stores[kind] = {
      authenticateToken: figures(`${kind}.authenticateToken`),
      reveal: figures(`${kind}.reveal`),
      resetSecret: await latencies('reset', (index) =>
        fetch(`${base}/credentials/secret/reset`, {
          method: 'POST',
          headers: { Authorization: authorization, 'Idempotency-Key': `r-${index}` },
        }),
      ),
      issueToken: await latencies('token', (index) =>
        fetch(`${base}/tokens`, {
          method: 'POST',
          headers: {
            Authorization: authorization,
            'Content-Type': 'application/json',
            'Idempotency-Key': `t-${index}`,
          },
          body: JSON.stringify({ tpn: '139322815010', expiresInMinutes: 60 }),
        }),
      ),
    };
  }
  const twoOverOne = runs['instances.two'].map((m, index) => m.perSecond / runs['instances.one'][index].perSecond);
  report.instances = {
    oneInstance: summary(runs['instances.one']),
    twoInstances: summary(runs['instances.two']),
    twoOverOne: round(median(twoOverOne)),
    twoOverOneRange: [round(Math.min(...twoOverOne)), round(Math.max(...twoOverOne))],
  };
} finally {
  await Promise.all(started.map(stopChild));
  for (const nginx of proxies) await nginx.stop();
  postgres.stop();
  rmSync(folder, { recursive: true, force: true });
}

const loads = Object.values(runs).flatMap((measurements) => measurements.map((m) => m.loadAverage));
const { memory, postgres: onPostgres } = report.stores;
const met = {
  memory: memory.authenticateToken.ratioToLimit >= GOALS.memoryRatio,
  postgres: onPostgres.authenticateToken.ratioToLimit >= GOALS.postgresRatio,
  twoInstances: report.instances.twoOverOne >= GOALS.twoInstancesOverOne,
};
const percent = (share) => `${Math.round(share * 100)} %`;
/** A missed goal's measured cause: CPU per request against the limit's, by thread, and whether any core was idle. */
const cpuCause = (figures, withPostgres) => {
  const { limit } = report;
  return [
    `each authentication costs ${figures.cpuMsPerRequest} ms of CPU (the service${withPostgres ? ' and PostgreSQL' : ''})`,
    `against the limit's ${limit.cpuMsPerRequest} ms (${figures.cpuOverLimit}×):`,
    `the service's event loop ${figures.mainThreadMsPerRequest} ms against the limit's ${limit.mainThreadMsPerRequest} ms,`,
    `its other threads (the RSA signature on the thread pool, V8's) ${figures.otherThreadsMsPerRequest} ms against ${limit.otherThreadsMsPerRequest} ms;`,
    `with the machine ${percent(figures.machineIdle)} idle, requests per second follow the CPU each one costs`,
  ].join(' ');
};
const causes = {
  ...(met.memory ? {} : { memory: cpuCause(memory.authenticateToken, false) }),
  ...(met.postgres ? {} : { postgres: cpuCause(onPostgres.authenticateToken, true) }),
  ...(met.twoInstances
    ? {}
    : {
        twoInstances: `with one instance the machine was ${percent(report.instances.oneInstance.machineIdle)} idle (${availableParallelism()} cores, shared by nginx, PostgreSQL, the load generator and the instances), so a second instance found no idle core to add; and two cost ${report.instances.twoInstances.cpuMsPerRequest} ms of CPU a request (the instances and PostgreSQL) against one's ${report.instances.oneInstance.cpuMsPerRequest} ms: each event loop wakes for half the requests, and each groups half as many lookups and records into a statement`,
      }),
};
const written = {
  generatedAt: new Date().toISOString(),
  machine: { cores: availableParallelism(), node: process.version },
  load: {
    rounds: ROUNDS,
    seconds: LOAD_SECONDS,
    warmSeconds: WARM_SECONDS,
    connections: CONNECTIONS,
    latencySamples: LATENCY_SAMPLES,
    rateLimits: UNLIMITED,
    quick,
    /** The machine's 1-minute load average at the end of each measurement, lowest and highest: how shared it was. */
    loadAverage: [round(Math.min(...loads)), round(Math.max(...loads))],
  },
  goals: GOALS,
  limit: report.limit,
  stores: report.stores,
  instances: report.instances,
  met,
  causes,
};
mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/server.json'), `${JSON.stringify(written, null, 2)}\n`);
console.log(JSON.stringify({ met, causes }, null, 2));
console.log('wrote bench/server.json');
