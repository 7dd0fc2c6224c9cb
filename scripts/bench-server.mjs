#!/usr/bin/env node
/* global fetch */
// `npm run bench:server`: the credentials server's figures → bench/server.json. For each store (memory,
// PGlite in a folder, a throwaway PostgreSQL) a server process on loopback is loaded by autocannon
// (bounded in requests and time): authenticate-token throughput and p50/p99, as a ratio to jose's raw
// RS256 signing rate measured in this same run (each authentication signs one token: the physical
// limit); reset and token-issue latency; the memory store's RSS after 100,000 requests.
// `--quick` runs a tenth of the load (a smoke run).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT, generateKeyPair } from 'jose';
import { performance } from 'node:perf_hooks';
import { runnerImport } from 'vite';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
// Throughput is load for a fixed time (autocannon ends `amount` runs on its 1-second tick, which inflates short runs).
const AUTH_SECONDS = quick ? 2 : 8;
const LATENCY_SAMPLES = Math.round(200 * scale);
const MEMORY_REQUESTS = Math.round(100_000 * scale);
const INSTANCE = fileURLToPath(new URL('../test/server/instance.mjs', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** jose's raw RS256 signing rate on this machine, one core, for 2 s at most. */
async function signingRate() {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const claims = { sub: 'acct', scope: 'PaymentTokenization Recurring BatchReport', uniqueId: 'x'.repeat(22) };
  const sign = () =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(privateKey);
  for (let index = 0; index < 50; index++) await sign(); // warm up
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 2000 && count < 20_000) {
    await sign();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}

function startInstance(target) {
  const child = spawn(process.execPath, [INSTANCE, 'serve', target], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('listening ')) resolve({ child, base: `http://127.0.0.1:${line.split(' ')[1]}/api/ipos` });
    });
  });
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
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
  return { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), samples: times.length };
}

const round = (value, digits = 2) => Number(value.toFixed(digits));

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, timeout: 30, maxOverallRequests: undefined, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

async function measureStore(kind, target, limit) {
  const { child, base } = await startInstance(target);
  try {
    const headers = { 'X-Test-Account': `bench-${kind}` };
    const generated = await (await fetch(`${base}/credentials`, { method: 'POST', headers })).json();
    const { secretKey } = await (await fetch(`${base}/credentials/secret/reveal`, { method: 'POST', headers })).json();
    const authHeaders = { apiKey: generated.keys.apiKey, secretKey };
    // Warm up: the first token makes the signing key, the first requests compile the hot path.
    for (let index = 0; index < 20; index++) {
      await (await fetch(`${base}/authenticate-token`, { method: 'POST', headers: authHeaders })).arrayBuffer();
    }
    const auth = await cannon({
      url: `${base}/authenticate-token`,
      method: 'POST',
      headers: authHeaders,
      duration: AUTH_SECONDS,
    });
    const seconds = auth.duration;
    if (auth.non2xx || auth.errors) throw new Error(`${kind}: ${auth.non2xx} non-2xx, ${auth.errors} errors`);
    const throughput = auth.requests.total / seconds;
    const reset = await latencies('reset', (index) =>
      fetch(`${base}/credentials/secret/reset`, {
        method: 'POST',
        headers: { ...headers, 'Idempotency-Key': `r-${index}` },
      }),
    );
    const token = await latencies('token', (index) =>
      fetch(`${base}/tokens`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': `t-${index}` },
        body: JSON.stringify({ tpn: '139322815010', expiresInMinutes: 60 }),
      }),
    );
    const figures = {
      authenticateToken: {
        requests: auth.requests.total,
        seconds: round(seconds),
        perSecond: round(throughput, 0),
        p50Ms: auth.latency.p50,
        p99Ms: auth.latency.p99,
        ratioToSigningLimit: round(throughput / limit),
      },
      resetSecret: reset,
      issueToken: token,
    };
    if (kind === 'memory') {
      const before = rssOf(child.pid);
      const load = await cannon({ url: `${base}/credentials`, headers, amount: MEMORY_REQUESTS, duration: 120 });
      figures.memoryAfterRequests = {
        requests: load.requests.total,
        rssBeforeMiB: round(before / 2 ** 20, 1),
        rssAfterMiB: round(rssOf(child.pid) / 2 ** 20, 1),
      };
    }
    return figures;
  } finally {
    child.kill('SIGKILL');
  }
}

const { module: pgSupport } = await runnerImport(join(root, 'test/support/postgres.ts'), {
  configFile: false,
  logLevel: 'error',
});
console.log('measuring jose RS256 signing rate…');
const limit = await signingRate();
console.log(`  ${round(limit, 0)} signatures/s`);
const folder = mkdtempSync(join(tmpdir(), 'ipos-bench-'));
const postgres = await pgSupport.startPostgres();
const results = {};
try {
  for (const [kind, target] of [
    ['memory', 'memory'],
    ['pglite', `pglite:${join(folder, 'pglite')}`],
    ['postgres', postgres.url],
  ]) {
    console.log(`measuring ${kind}…`);
    results[kind] = await measureStore(kind, target, limit);
    console.log(`  ${JSON.stringify(results[kind])}`);
  }
} finally {
  postgres.stop();
  rmSync(folder, { recursive: true, force: true });
}

const report = {
  generatedAt: new Date().toISOString(),
  machine: { cores: availableParallelism(), node: process.version },
  load: {
    authenticateSeconds: AUTH_SECONDS,
    connections: 10,
    latencySamples: LATENCY_SAMPLES,
    memoryRequests: MEMORY_REQUESTS,
    quick,
  },
  signingLimitPerSecond: round(limit, 0),
  goals: { memoryRatio: 0.8, postgresRatio: 0.5 },
  stores: results,
};
mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/server.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log('wrote bench/server.json');
