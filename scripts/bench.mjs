#!/usr/bin/env node
// `npm run bench`: what the library costs a page, measured and compared with its goals (issue 8).
// Prints a table and writes bench/results.json. Under 3 minutes on a 2-core machine.
//
//   sizes      gzip -9 and brotli of the CDN module and of each public entry as a bundler includes it
//   render     define → key panel showing keys (in-browser ReferenceBackend, zero latency), median of RUNS
//              page loads, against bare Lit elements rendering the same static DOM (goal ≤ 1.3×)
//   requests   backend requests to open the merchant screen (goal: 2 GETs, also with 5 elements sharing
//              a provider) and refreshes per token with auto-refresh (goal 1, also two sessions/tabs)
//   leaks      live timers and heap growth after 1,000 mount/unmount cycles (goal: 0 timers, < 1 MB)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumExecutablePath } from '../test/support/chromium.mjs';
import { BYTE_GOALS, SCREENS, bundleEntry, cdnSizes, entrySizes } from './bench/sizes.mjs';

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const ORIGIN = 'http://localhost:4791'; // never listened on: every request is answered by page.route
const started = performance.now();
const log = (message) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value, digits = 2) => Number(value.toFixed(digits));

/** scripts/bench/page.ts with production Lit, one file, minified like a real deployment. */
async function pageBundle() {
  const chunks = await bundleEntry('scripts/bench/page.ts', { output: { codeSplitting: false } });
  return chunks.find((chunk) => chunk.isEntry).code;
}

/** Wraps the timer functions before any script runs, so the page can say how many timers are live. */
function trackTimers() {
  const live = new Set();
  const wrap = (set, clear, once) => {
    const originalSet = globalThis[set];
    const originalClear = globalThis[clear];
    globalThis[set] = function (callback, ...rest) {
      const id = originalSet.call(
        this,
        typeof callback === 'function' && once
          ? (...args) => {
              live.delete(id);
              return callback(...args);
            }
          : callback,
        ...rest,
      );
      live.add(id);
      return id;
    };
    globalThis[clear] = function (id) {
      live.delete(id);
      return originalClear.call(this, id);
    };
  };
  wrap('setTimeout', 'clearTimeout', true);
  wrap('setInterval', 'clearInterval', false);
  globalThis.liveTimers = () => live.size;
}

async function main() {
  mkdirSync(resolve(root, 'bench'), { recursive: true });
  const results = { date: new Date().toISOString(), goals: {}, sizes: {}, render: {}, requests: {}, leaks: {} };

  log('sizes: CDN module');
  results.sizes.cdn = await cdnSizes();
  log('sizes: entries as a bundler includes them');
  results.sizes.entries = await entrySizes();

  log('bundling the browser bench page');
  const script = await pageBundle();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body><script type="module" src="/page.js"></script></body></html>`;
  const browser = await chromium.launch({
    executablePath: await chromiumExecutablePath(),
    args: [...chromiumArgs, '--js-flags=--expose-gc'],
  });
  try {
    const context = await browser.newContext();
    await context.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/page.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      return route.fulfill({ contentType: 'text/html', body: html });
    });
    const page = await context.newPage();
    await page.addInitScript(trackTimers);
    page.on('pageerror', (error) => console.error('page error:', error.message));
    const load = async () => {
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction(() => 'bench' in globalThis);
    };

    log(`render: ${RUNS} page loads each, elements vs bare Lit`);
    const elementTimes = [];
    const instantTimes = [];
    const shellTimes = [];
    const bareTimes = [];
    const dateFormatTimes = [];
    let screen;
    for (let run = 0; run < RUNS + 3; run++) {
      await load();
      const measured = await page.evaluate(() => globalThis.bench.keysShownAfterDefine());
      screen ??= measured.screen;
      await load();
      const instant = await page.evaluate(() => globalThis.bench.keysShownAfterDefine('instant'));
      await load();
      const bare = await page.evaluate((markup) => globalThis.bench.bareAfterDefine(markup), screen);
      if (run < 3) continue; // warm-up: caches, JIT of the bench itself
      elementTimes.push(measured.ms);
      instantTimes.push(instant.ms);
      shellTimes.push(measured.firstRenderMs);
      bareTimes.push(bare.ms);
      dateFormatTimes.push(bare.firstDateFormatMs);
    }
    results.render = {
      runs: RUNS,
      elementsMedianMs: round(median(elementTimes), 3),
      shellMedianMs: round(median(shellTimes), 3),
      instantBackendMedianMs: round(median(instantTimes), 3),
      bareLitMedianMs: round(median(bareTimes), 3),
      ratio: round(median(elementTimes) / median(bareTimes)),
      ratioInstantBackend: round(median(instantTimes) / median(bareTimes)),
      firstDateFormatMedianMs: round(median(dateFormatTimes), 3),
    };

    log('requests: opening the merchant screen');
    await load();
    const defaultScreen = await page.evaluate(() => globalThis.bench.requestsToOpen(''));
    await load();
    const sharedProvider = await page.evaluate(() =>
      globalThis.bench.requestsToOpen(
        '<ipos-key-panel></ipos-key-panel><ipos-scope-list></ipos-scope-list>' +
          '<ipos-token-generator></ipos-token-generator><ipos-key-panel></ipos-key-panel>',
      ),
    );
    log('requests: one auto-refresh cycle, one session then two sharing a channel (~12 s)');
    await load();
    const oneSession = await page.evaluate(() => globalThis.bench.refreshesPerToken(1));
    await load();
    const twoSessions = await page.evaluate(() => globalThis.bench.refreshesPerToken(2));
    const gets = (requests) => requests.filter((request) => request.startsWith('GET ')).length;
    results.requests = {
      merchantScreen: { requests: defaultScreen, gets: gets(defaultScreen), total: defaultScreen.length },
      fiveElementsOneProvider: { requests: sharedProvider, gets: gets(sharedProvider), total: sharedProvider.length },
      tokenOneSession: { requests: oneSession.requests, refreshesPerToken: Math.max(0, ...oneSession.perToken) },
      tokenTwoSessions: { requests: twoSessions.requests, refreshesPerToken: Math.max(0, ...twoSessions.perToken) },
    };

    log(`leaks: ${CYCLES} mount/unmount cycles of the merchant screen`);
    await load();
    const cdp = await context.newCDPSession(page);
    const heapAfterGc = async () => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    await page.evaluate(() => globalThis.bench.mountCycles(20)); // warm-up: first definitions, JIT, caches
    const timersBefore = await page.evaluate(() => globalThis.liveTimers());
    const heapBefore = await heapAfterGc();
    const cyclesStarted = performance.now();
    await page.evaluate((cycles) => globalThis.bench.mountCycles(cycles), CYCLES);
    const cycleSeconds = (performance.now() - cyclesStarted) / 1000;
    const heapAfter = await heapAfterGc();
    results.leaks = {
      cycles: CYCLES,
      seconds: round(cycleSeconds, 1),
      liveTimersBefore: timersBefore,
      liveTimersAfter: await page.evaluate(() => globalThis.liveTimers()),
      heapBeforeBytes: heapBefore,
      heapAfterBytes: heapAfter,
      heapGrowthBytes: heapAfter - heapBefore,
    };
  } finally {
    await browser.close();
  }

  const goal = (name, value, limit, met) => (results.goals[name] = { value, goal: limit, met });
  roleSplitGoals(results, goal);
  goal('render ratio', results.render.ratio, '≤ 1.3', results.render.ratio <= 1.3);
  const screenGets = results.requests.merchantScreen;
  const sharedGets = results.requests.fiveElementsOneProvider;
  goal(
    'requests to open',
    `${screenGets.total} (${screenGets.gets} GET)`,
    '2 GET',
    screenGets.total === 2 && screenGets.gets === 2,
  );
  goal(
    'requests, 5 elements',
    `${sharedGets.total} (${sharedGets.gets} GET)`,
    '2 GET',
    sharedGets.total === 2 && sharedGets.gets === 2,
  );
  goal(
    'refreshes per token',
    results.requests.tokenOneSession.refreshesPerToken,
    '1',
    results.requests.tokenOneSession.refreshesPerToken === 1,
  );
  goal(
    'refreshes per token, 2 tabs',
    results.requests.tokenTwoSessions.refreshesPerToken,
    '1',
    results.requests.tokenTwoSessions.refreshesPerToken === 1,
  );
  const { liveTimersAfter, liveTimersBefore, heapGrowthBytes } = results.leaks;
  goal('live timers after cycles', liveTimersAfter - liveTimersBefore, '0', liveTimersAfter - liveTimersBefore <= 0);
  goal('heap growth bytes', heapGrowthBytes, '< 1048576', heapGrowthBytes < 1_048_576);
  results.seconds = round((performance.now() - started) / 1000, 1);
  writeFileSync(resolve(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  print(results);
  await writeReport(results);
}

/** Issue 16's byte goals: what a page downloads before its screen shows, per role (`SCREENS`, `BYTE_GOALS`). */
function roleSplitGoals(results, goal) {
  for (const [name, { screens, limit }] of Object.entries(BYTE_GOALS)) {
    const value = Math.max(...screens.map((role) => results.sizes.cdn.screens[role].gzip));
    goal(name, value, `≤ ${limit}`, value <= limit);
  }
}

/** Size rows for the views loaded on demand and for each role's screen up front. */
function roleSplitSizeRows(results) {
  const { views, screens } = results.sizes.cdn;
  return [
    ...Object.entries(views).map(([name, size]) => [`… \`chunks/${name}\`, fetched with its element`, size]),
    ...Object.entries(screens).map(([role, size]) => [
      `${SCREENS[role].label} (${size.files.length} ${size.files.length === 1 ? 'file' : 'files'})`,
      size,
    ]),
  ];
}

/** Rewrites the measured tables of docs/performance.md (between the bench markers) from these results. */
async function writeReport(results) {
  const page = resolve(root, 'docs/performance.md');
  const [START, END] = ['<!-- bench:start (written by `npm run bench`; do not edit) -->', '<!-- bench:end -->'];
  const text = readFileSync(page, 'utf8');
  if (!text.includes(START) || !text.includes(END)) return console.log(`${page} has no bench markers; not updated`);
  const b = (bytes) => bytes.toLocaleString('en-US');
  const sizes = [
    ['CDN module (`dist/cdn/ipos-credential-elements.js`, an `en` page)', results.sizes.cdn.module],
    ...Object.entries(results.sizes.cdn.locales).map(([name, size]) => [
      `… \`locales/${name}\`, fetched only when used`,
      size,
    ]),
    ...roleSplitSizeRows(results),
    ...Object.entries(results.sizes.entries).map(([name, size]) => [`entry \`${name}\`, bundled and minified`, size]),
  ];
  const r = results.render;
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} (${results.seconds} s run).`,
    '',
    '| what a page loads | raw (B) | gzip -9 (B) | brotli (B) |',
    '| --- | --: | --: | --: |',
    ...sizes.map(([name, size]) => `| ${name} | ${b(size.raw)} | ${b(size.gzip)} | ${b(size.brotli)} |`),
    '',
    `First render with data, median of ${r.runs}: ${r.elementsMedianMs} ms with \`ReferenceBackend\` (the key panel's first`,
    `render before data ${r.shellMedianMs} ms; ${r.instantBackendMedianMs} ms with an in-memory backend); bare Lit ${r.bareLitMedianMs} ms.`,
    '',
    '| goal | measured | goal | met |',
    '| --- | --- | --- | --- |',
    ...Object.entries(results.goals).map(
      ([name, { value, goal, met }]) => `| ${name} | ${value} | ${goal.replace('<', '&lt;')} | ${met ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(page)) ?? {};
  const updated =
    text.slice(0, text.indexOf(START) + START.length) + `\n\n${table}\n\n` + text.slice(text.indexOf(END));
  writeFileSync(page, await prettier.format(updated, { ...options, parser: 'markdown' }));
  console.log('docs/performance.md tables rewritten');
}

function print(results) {
  const kb = (bytes) => bytes.toLocaleString('en-US');
  console.log('\nSize (bytes)                 raw       gzip -9    brotli');
  const row = (name, size) =>
    console.log(
      `${name.padEnd(24)} ${kb(size.raw).padStart(8)} ${kb(size.gzip).padStart(11)} ${kb(size.brotli).padStart(9)}`,
    );
  row('CDN module (en page)', results.sizes.cdn.module);
  for (const [name, size] of Object.entries(results.sizes.cdn.locales)) row(`  + locales/${name} (lazy)`, size);
  for (const [name, size] of roleSplitSizeRows(results)) row(name, size);
  for (const [name, size] of Object.entries(results.sizes.entries)) row(`entry ${name}`, size);
  const r = results.render;
  console.log(
    `\nFirst render with data (median of ${r.runs}): ${r.elementsMedianMs} ms with ReferenceBackend ` +
      `(key panel's first render, before data: ${r.shellMedianMs} ms), ` +
      `${r.instantBackendMedianMs} ms with an in-memory backend, bare Lit ${r.bareLitMedianMs} ms; ` +
      `of which the page's first Intl date format ${r.firstDateFormatMedianMs} ms`,
  );
  console.log(`Leaks: ${results.leaks.cycles} cycles in ${results.leaks.seconds} s`);
  console.log('\nGoal                          value                 goal        met');
  for (const [name, { value, goal, met }] of Object.entries(results.goals)) {
    console.log(`${name.padEnd(29)} ${String(value).padEnd(21)} ${String(goal).padEnd(11)} ${met ? 'yes' : 'NO'}`);
  }
  console.log(`\nbench/results.json written in ${results.seconds} s`);
}

await main();
