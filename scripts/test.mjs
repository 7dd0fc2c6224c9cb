#!/usr/bin/env node
// `npm test`: every check that proves the project. The browser steps (element tests and the demo's end-to-end
// tests, in Chromium, Firefox and WebKit) run in a lane of their own beside the others: they mostly wait on
// browsers, so the two lanes share two cores well. All steps run even after a failure so one run shows every
// problem; the exit code is non-zero if any step failed. The summary counts the tests of every runner, per
// engine for the browser steps, and lists what was skipped and why.
// `npm test -- unit elements` runs some steps; `--engine webkit` (or `--engine=firefox,webkit`) some engines.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stripVTControlCharacters } from 'node:util';
import { chromiumExecutablePath } from '../test/support/chromium.mjs';
import { ENGINE_LABELS, parseEngines } from '../test/support/engines.mjs';

/** Why a browser step stays in Chromium: printed with the step, never silently. */
const VITEST_BROWSER_CHROMIUM_ONLY =
  "Chromium only: Vitest's browser mode runs these through Playwright, whose Firefox over BiDi needs a command " +
  'Firefox ESR 153 lacks and whose WebKit is its own build, not WebKitGTK; the elements themselves are tested ' +
  'in all three engines by the elements step';

const steps = [
  { name: 'manifest', command: 'cem analyze', why: 'custom-elements.json from the JSDoc headers' },
  { name: 'api docs', command: 'node scripts/api-docs.mjs --check', why: 'docs/api.md matches the code' },
  {
    name: 'openapi',
    command: 'node scripts/openapi.mjs --check',
    why: 'openapi.json and reference.openapi.json match the route table and schemas; Redocly and Spectral find nothing',
  },
  { name: 'typecheck', command: 'tsc --noEmit -p tsconfig.json' },
  { name: 'lint', command: 'eslint . && prettier --check .' },
  { name: 'unit', command: 'vitest run --project unit', counts: 'vitest' },
  {
    name: 'server',
    command: 'vitest run --project server',
    counts: 'vitest',
    why: 'the credentials server on memory, PGlite and a throwaway PostgreSQL',
  },
  {
    name: 'service',
    command: 'vitest run --project service',
    counts: 'vitest',
    why: '`serve` as its own processes behind a real nginx on a throwaway PostgreSQL, and driven in Chromium',
  },
  {
    name: 'elements',
    command: 'web-test-runner',
    counts: 'wtr',
    browsers: true,
    why: 'every element in Chromium, Firefox and WebKit, the reference backend over HTTP',
  },
  {
    name: 'stories',
    command: 'vitest run --project storybook',
    counts: 'vitest',
    chromiumOnly: VITEST_BROWSER_CHROMIUM_ONLY,
  },
  {
    name: 'react',
    command: 'vitest run --project react',
    counts: 'vitest',
    chromiumOnly: VITEST_BROWSER_CHROMIUM_ONLY,
  },
  {
    name: 'size',
    command: 'node scripts/size.mjs',
    why: 'gzip budgets of what each role downloads up front (CDN chunk graph) and of the define entry',
  },
  {
    name: 'e2e',
    command: 'playwright test',
    counts: 'playwright',
    browsers: true,
    // The demo's port (playwright.config.ts): a free one, so that runs in other checkouts never collide.
    freePort: 'E2E_PORT',
    why: "the demo's workflows in Chromium, Firefox and WebKit; the SSR example in Chromium",
  },
  {
    name: 'package',
    command: 'node scripts/pack.mjs',
    why: 'npm pack (prepack builds dist/), then publint and @arethetypeswrong/cli on the tarball',
  },
  {
    name: 'consumers',
    command: 'node scripts/consumers.mjs --reuse-pack',
    why: "the README's snippets in fresh Vite, React, Vue, Angular, CDN and Node apps; docs/server.md's guide as four apps",
    counts: 'vitest',
    chromiumOnly:
      'Chromium only: it proves the package and each framework, which do not depend on the engine ' +
      '(the element and end-to-end steps cover the engines)',
  },
];

const args = process.argv.slice(2);
// `--report`: after a run where every step passed, write the suites' `[reliability]` lines into docs/reliability.md.
const report = args.includes('--report');
const engines = engineOption(args);
const only = args.filter((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--engine');
// The manifest is generated first in any case: typecheck, docs and stories read it.
const selected = only.length ? steps.filter((step) => step.name === 'manifest' || only.includes(step.name)) : steps;
const unknown = only.filter((name) => !steps.some((step) => step.name === name));
if (unknown.length) {
  console.error(`No step named ${unknown.join(', ')}. The steps: ${steps.map((step) => step.name).join(', ')}.`);
  process.exit(2);
}

/** `--engine webkit`, `--engine=firefox,webkit`: the engines the browser steps use (test/support/engines.mjs). */
function engineOption(argv) {
  const index = argv.findIndex((arg) => arg === '--engine' || arg.startsWith('--engine='));
  if (index < 0) return undefined;
  const value = argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  try {
    if (!value) throw new Error('--engine needs a value: chromium, firefox, webkit or a comma-separated list');
    return parseEngines(value, '--engine').join(',');
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}

// Each runner prints its own totals; read them so the summary counts tests, not steps.
const countReaders = {
  vitest(output) {
    const line = output.split('\n').find((l) => /^\s*Tests\s/.test(l)) ?? '';
    return {
      passed: number(line, /(\d+) passed/),
      failed: number(line, /(\d+) failed/),
      skipped: number(line, /(\d+) skipped/),
    };
  },
  // web-test-runner prints a progress line per browser, again and again; the last one of each is its total.
  wtr: perEngine,
  // Playwright's list reporter prints the totals; test/support/engine-reporter.ts a line per engine.
  playwright: perEngine,
};
const number = (text, pattern) => Number(pattern.exec(text)?.[1] ?? 0);

/** Totals from the runner's `Firefox: … 12 passed, 0 failed, 1 skipped` lines (the last of each engine). */
function perEngine(output) {
  const labels = Object.values(ENGINE_LABELS).join('|');
  const pattern = new RegExp(`^\\s*(${labels}):.*?(\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?\\s*$`, 'gm');
  const engines = {};
  for (const [, engine, passed, failed, skipped] of output.matchAll(pattern)) {
    engines[engine] = { passed: Number(passed), failed: Number(failed), skipped: Number(skipped ?? 0) };
  }
  const sum = (key) => Object.values(engines).reduce((total, counts) => total + counts[key], 0);
  return { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped'), engines };
}

/** Whose output goes to the terminal as it comes; the others' is printed whole when they end. */
let streaming;

async function run(step) {
  const env = { ...process.env, FORCE_COLOR: '0', ...(engines ? { TEST_ENGINES: engines } : {}) };
  if (step.freePort && !env[step.freePort]) env[step.freePort] = String(await freePort());
  const streams = !streaming;
  if (streams) streaming = step;
  console.log(`\n━━ ${step.name}: ${step.command}${step.why ? `  (${step.why})` : ''}`);
  if (step.chromiumOnly) console.log(`   ${step.chromiumOnly}`);
  if (!streams) console.log(`   (runs beside ${streaming.name}; its output follows when it ends)`);
  return new Promise((resolve) => {
    const started = performance.now();
    let output = '';
    // The project's own tools first, as under `npm test`, so `node scripts/test.mjs` works the same.
    const PATH = [resolvePath('node_modules/.bin'), process.env.PATH].join(delimiter);
    const child = spawn(step.command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PATH } });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        if (streaming === step) (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('close', (code) => {
      if (streaming === step) streaming = undefined;
      else console.log(`\n━━ ${step.name} (ran beside the other steps):\n${output}`);
      const text = stripVTControlCharacters(output);
      resolve({
        ...step,
        ok: code === 0,
        seconds: (performance.now() - started) / 1000,
        counts: step.counts ? countReaders[step.counts](text) : undefined,
        output: text,
      });
    });
  });
}

/** A port nothing listens on now, on the loopback the servers under test use. */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Runs the steps one after another; resolves their results in order. */
async function lane(laneSteps) {
  const results = [];
  for (const step of laneSteps) results.push(await run(step));
  return results;
}

// The Chromium packaged in @sparticuz/chromium is unpacked into the temporary folder by whoever asks first, and a
// second runner that finds it half written launches a broken browser: unpack it here, before the runners start.
// (A machine without it fails in the steps that need it, with their own message.)
await chromiumExecutablePath().catch(() => undefined);

const [first, ...rest] = selected;
const firstResult = await run(first);
const [mainResults, browserResults] = await Promise.all([
  lane(rest.filter((step) => !step.browsers)),
  lane(rest.filter((step) => step.browsers)),
]);
const results = [firstResult, ...mainResults, ...browserResults].sort(
  (a, b) => steps.findIndex((s) => s.name === a.name) - steps.findIndex((s) => s.name === b.name),
);

console.log('\n━━ Summary');
for (const result of results) {
  const { counts } = result;
  const tally = counts
    ? `  ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`
    : '';
  console.log(
    `${result.ok ? 'ok  ' : 'FAIL'}  ${result.name.padEnd(10)} ${result.seconds.toFixed(1).padStart(6)} s${tally}`,
  );
  for (const [engine, { passed, failed, skipped }] of Object.entries(counts?.engines ?? {})) {
    console.log(`${' '.repeat(26)}${engine.padEnd(9)} ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
  if (result.chromiumOnly) console.log(`${' '.repeat(26)}${result.chromiumOnly}`);
}
const skips = [...new Set(results.flatMap((r) => r.output.match(/\[skipped in \w+\] .+/g) ?? []))].sort();
if (skips.length) console.log(`\nSkipped, with the reason:\n${skips.map((line) => `  ${line.trim()}`).join('\n')}`);
const total = (key) => results.reduce((sum, r) => sum + (r.counts?.[key] ?? 0), 0);
const failedSteps = results.filter((r) => !r.ok);
// A failed check with no failing test of its own (lint, typecheck, a stale document) still counts once.
const failedChecks = failedSteps.filter((r) => !r.counts?.failed).length;
if (failedSteps.length) {
  const failures = failedSteps.flatMap((r) => failedTests(r.output).map((line) => `  ${r.name}: ${line}`));
  if (failures.length) console.log(`\nFailed, with the first line of each error:\n${failures.join('\n')}`);
  console.log(`\nFailed steps: ${failedSteps.map((r) => r.name).join(', ')}`);
}
console.log(
  `\ntests: ${total('passed')} passed, ${total('failed') + failedChecks} failed, ${total('skipped')} skipped`,
);
if (report && !failedSteps.length) writeReliabilityReport(results);
process.exit(failedSteps.length ? 1 : 0);

/**
 * The failed tests a runner names in its output (web-test-runner's `❌ name`, Vitest's `FAIL  file > name`,
 * Playwright's `1) [engine] › file › name`), each with its error's first line: the summary is the end of the log,
 * the part a CI page shows, so it says which test failed and why.
 */
function failedTests(output) {
  const lines = output.split('\n');
  const header = /^\s*(?:❌ .+|FAIL\s+.*\S\.(?:test|spec)\.\w+ > .+|\d+\) \[\w+\] › .+)$/;
  const found = new Set();
  lines.forEach((line, index) => {
    if (!header.test(line)) return;
    const following = lines
      .slice(index + 1, index + 6)
      .map((l) => l.trim())
      .filter(Boolean);
    const error = following.find((l) => /error|expected|timed? ?out|exceeded/i.test(l)) ?? following[0] ?? '';
    found.add(`${line.trim()}\n      ${error.slice(0, 300)}`);
  });
  return [...found].slice(0, 40);
}

function writeReliabilityReport(finished) {
  const lines = [
    ...new Set(finished.flatMap((r) => [...r.output.matchAll(/\[reliability\] ([^\n]+)/g)].map((m) => m[1].trim()))),
  ].sort();
  const page = 'docs/reliability.md';
  const [START, END] = [
    '<!-- reliability:start (written by `npm run reliability`; do not edit) -->',
    '<!-- reliability:end -->',
  ];
  const text = readFileSync(page, 'utf8');
  const day = new Date().toISOString().slice(0, 10);
  const block = [
    `Last measured ${day} (steps: ${finished.map((r) => r.name).join(', ')}):`,
    '',
    ...lines.map((l) => `- ${l}`),
  ];
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < 0) return console.log(`${page} has no reliability markers; not updated`);
  writeFileSync(page, `${text.slice(0, start + START.length)}\n\n${block.join('\n')}\n\n${text.slice(end)}`);
  console.log(`${page}: ${lines.length} reliability figures written`);
}
