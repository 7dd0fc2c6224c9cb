#!/usr/bin/env node
// `npm test`: every check that proves the project, in order, each one's output streamed.
// All steps run even after a failure so one run shows every problem; the exit code is non-zero
// if any step failed. The last line counts the tests all runners executed.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { delimiter, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stripVTControlCharacters } from 'node:util';

const steps = [
  { name: 'manifest', command: 'cem analyze', why: 'custom-elements.json from the JSDoc headers' },
  { name: 'api docs', command: 'node scripts/api-docs.mjs --check', why: 'docs/api.md matches the code' },
  {
    name: 'openapi',
    command: 'node scripts/openapi.mjs --check',
    why: 'openapi.json and reference.openapi.json match the route table and schemas',
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
  { name: 'elements', command: 'web-test-runner', counts: 'wtr' },
  { name: 'stories', command: 'vitest run --project storybook', counts: 'vitest' },
  { name: 'react', command: 'vitest run --project react', counts: 'vitest' },
  {
    name: 'size',
    command: 'node scripts/size.mjs',
    why: 'gzip budgets of what each role downloads up front (CDN chunk graph) and of the define entry; issue 16 goals',
  },
  { name: 'e2e', command: 'playwright test', counts: 'playwright' },
  {
    name: 'package',
    command: 'node scripts/pack.mjs',
    why: 'npm pack (prepack builds dist/), then publint and @arethetypeswrong/cli on the tarball',
  },
  {
    name: 'consumers',
    command: 'node scripts/consumers.mjs --reuse-pack',
    why: "the README's snippets in fresh Vite, React, Vue, Angular, CDN and Node apps",
    counts: 'vitest',
  },
];

// `--report`: after a run where every step passed, write the suites' `[reliability]` lines into docs/reliability.md.
const report = process.argv.includes('--report');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
// The manifest is generated first in any case: typecheck, docs and stories read it.
const selected = only.length ? steps.filter((step) => step.name === 'manifest' || only.includes(step.name)) : steps;

// Each runner prints its own totals; read them so the summary counts tests, not steps.
const countReaders = {
  vitest(output) {
    const line = output.split('\n').find((l) => /^\s*Tests\s/.test(l)) ?? '';
    return { passed: number(line, /(\d+) passed/), failed: number(line, /(\d+) failed/) };
  },
  wtr(output) {
    const lines = output.split('\n').filter((l) => /\d+ passed, \d+ failed/.test(l));
    const last = lines.at(-1) ?? '';
    return { passed: number(last, /(\d+) passed/), failed: number(last, /(\d+) failed/) };
  },
  playwright(output) {
    return { passed: number(output, /^\s*(\d+) passed/m), failed: number(output, /^\s*(\d+) failed/m) };
  },
};
const number = (text, pattern) => Number(pattern.exec(text)?.[1] ?? 0);

function run(step) {
  return new Promise((resolve) => {
    const started = performance.now();
    let output = '';
    // The project's own tools first, as under `npm test`, so `node scripts/test.mjs` works the same.
    const PATH = [resolvePath('node_modules/.bin'), process.env.PATH].join(delimiter);
    const child = spawn(step.command, {
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH, FORCE_COLOR: '0' },
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('close', (code) => {
      const counts = step.counts ? countReaders[step.counts](stripVTControlCharacters(output)) : undefined;
      resolve({
        ...step,
        ok: code === 0,
        seconds: (performance.now() - started) / 1000,
        counts,
        output: stripVTControlCharacters(output),
      });
    });
  });
}

const results = [];
for (const step of selected) {
  console.log(`\n━━ ${step.name}: ${step.command}${step.why ? `  (${step.why})` : ''}`);
  results.push(await run(step));
}

console.log('\n━━ Summary');
for (const result of results) {
  const counts = result.counts ? `  ${result.counts.passed} passed, ${result.counts.failed} failed` : '';
  console.log(
    `${result.ok ? 'ok  ' : 'FAIL'}  ${result.name.padEnd(10)} ${result.seconds.toFixed(1).padStart(6)} s${counts}`,
  );
}
const passed = results.reduce((sum, r) => sum + (r.counts?.passed ?? 0), 0);
const failedTests = results.reduce((sum, r) => sum + (r.counts?.failed ?? 0), 0);
const failedSteps = results.filter((r) => !r.ok);
// A failed check with no failing test of its own (lint, typecheck, a stale document) still counts once.
const failedChecks = failedSteps.filter((r) => !r.counts?.failed).length;
if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.map((r) => r.name).join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failedTests + failedChecks} failed`);
if (report && !failedSteps.length) writeReliabilityReport(results);
process.exit(failedSteps.length ? 1 : 0);

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
