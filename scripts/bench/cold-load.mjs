/* global performance, PerformanceObserver, requestAnimationFrame, navigator -- probe(), interactiveProbe() and collect() run in the page */
// Cold page loads over an emulated slow network, for `npm run bench` (issue 16): how long until the API key is
// visible on a client-only page, a preloaded page and a server-rendered page, against the limit measured in the
// same run — a static HTML page with the identical DOM and styles and no script — with each page's cumulative
// layout shift, the requests it made before the keys were visible, and the bytes it downloaded.
//
// One Node HTTP server on loopback serves the pages, the CDN module (`vite build --mode cdn` into a temporary
// directory), the server-rendered page's bundled script and the reference backend under /api/ipos, every text response gzip -9 and `no-store`. Each load is
// a new browser context (empty cache, cookies, connections) with the CDP cache disabled and the network emulated:
// 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up. Pages are loaded in turn, run after run, so that noise from
// the shared machine falls on all of them alike.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { build, runnerImport } from 'vite';
import { minifyTemplates } from './minify-templates.mjs';

const root = resolve(import.meta.dirname, '../..');

/** The emulated network: what CDP's `Network.emulateNetworkConditions` is given. */
export const NETWORK = {
  offline: false,
  latency: 150, // ms added to every request: the round trip
  downloadThroughput: 1_600_000 / 8, // bytes per second
  uploadThroughput: 750_000 / 8,
};

export const PAGES = ['static', 'client', 'preloaded', 'server'];
/** The pages whose elements a script makes (or hydrates): their interactive time is measured too. */
export const SCRIPTED = ['client', 'preloaded', 'server'];

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** The same document around every page's body, so pages differ only by what the comparison is about. */
const documentOf = (head, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"><title>API credentials</title>${head}` +
  `</head><body>${body}</body></html>`;

/** JSON inside `<script>`: nothing in it can close the element. */
const scriptJson = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Every `<script>` element removed: the static limit keeps the DOM and styles, and runs nothing. */
export const withoutScripts = (html) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');

/**
 * Runs in every page before anything else (the measuring instrument, not part of the page): marks the first
 * animation frame in which the key panel's API key has text and a box, and sums layout shifts.
 * "Keys visible": in a `requestAnimationFrame` callback — before that frame's style, layout and paint — the
 * `[part~="api-key"]` node inside `<ipos-credentials>` → `<ipos-key-panel>` shadow roots exists, its text
 * starts with `dakey_`, and it has a non-empty box and passes `checkVisibility()` (not hidden by display,
 * visibility, opacity or content-visibility). Element timing and LCP do not see into shadow roots.
 */
export function probe() {
  const state = (globalThis.__iposColdLoad = { cls: 0, shifts: 0 });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      state.cls += entry.value;
      state.shifts++;
    }
  }).observe({ type: 'layout-shift', buffered: true });
  const apiKey = () =>
    document
      .querySelector('ipos-credentials')
      ?.shadowRoot?.querySelector('ipos-key-panel')
      ?.shadowRoot?.querySelector('[part~="api-key"]');
  const visible = (node) => {
    if (!node?.textContent?.trim().startsWith('dakey_')) return false;
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && node.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  const frame = () => {
    if (visible(apiKey())) state.keysVisibleAt = performance.now();
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/**
 * Runs in the interactive loads instead of `probe()` (clicking changes the layout, so these loads measure nothing
 * else): from the first frame in which the key panel's Copy API Key button is on screen, it clicks it once per
 * frame until the clipboard receives the API key. "Interactive" is the moment the clipboard's text is there: the
 * first moment a click on Copy API Key copies it. The clipboard is the instrument's own (a write is recorded, not
 * performed), so permissions and focus play no part.
 */
export function interactiveProbe() {
  const state = (globalThis.__iposInteractive = {});
  const received = (text) => {
    if (state.copiedAt === undefined && text.startsWith('dakey_')) state.copiedAt = performance.now();
  };
  const clipboard = {
    writeText: async (text) => received(text),
    write: async (items) => {
      for (const item of items) received(await (await item.getType('text/plain')).text());
    },
    readText: async () => '',
  };
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
  const copyButton = () => {
    const panel = document.querySelector('ipos-credentials')?.shadowRoot?.querySelector('ipos-key-panel');
    const button = panel?.shadowRoot?.querySelector('[part~="copy-api-key"]');
    return button?.checkVisibility() ? button : undefined;
  };
  const frame = () => {
    if (state.copiedAt !== undefined) return;
    const button = copyButton();
    if (button) {
      state.clicks = (state.clicks ?? 0) + 1;
      button.click();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // When every element of the screen has hydrated or rendered: the screen as script made it.
  const elements = () => {
    const found = [];
    const walk = (node) => {
      for (const element of node.querySelectorAll('*')) {
        if (element.localName.startsWith('ipos-')) found.push(element);
        if (element.shadowRoot) walk(element.shadowRoot);
      }
    };
    walk(document);
    return found;
  };
  const ready = () => {
    const all = elements();
    if (all.length && all.every((element) => element.hasUpdated === true)) state.readyAt = performance.now();
    else requestAnimationFrame(ready);
  };
  requestAnimationFrame(ready);
}

/** What a page reports once its keys showed and its network went quiet. */
function collect() {
  const state = globalThis.__iposColdLoad;
  const at = state.keysVisibleAt;
  const [navigation] = performance.getEntriesByType('navigation');
  const resources = performance.getEntriesByType('resource');
  const before = resources.filter((entry) => entry.startTime < at);
  const path = (entry) => new URL(entry.name).pathname;
  // After the load: how many ipos elements there are and how many rendered (or hydrated), and that the key shows once.
  const elements = [];
  const walk = (node) => {
    for (const element of node.querySelectorAll('*')) {
      if (element.localName.startsWith('ipos-')) elements.push(element);
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document);
  const panel = document.querySelector('ipos-credentials')?.shadowRoot?.querySelector('ipos-key-panel');
  return {
    elements: elements.length,
    elementsRendered: elements.filter((element) => element.hasUpdated === true).length,
    apiKeyNodes: panel?.shadowRoot?.querySelectorAll('[part~="api-key"]').length ?? 0,
    keysVisibleMs: at,
    cls: state.cls,
    layoutShifts: state.shifts,
    requestsBeforeKeys: before.map(path),
    apiRequestsBeforeKeys: before.filter((entry) => path(entry).startsWith('/api/')).length,
    bytesUntilKeys:
      navigation.transferSize +
      resources.filter((entry) => entry.responseEnd <= at).reduce((sum, entry) => sum + entry.transferSize, 0),
    bytesTotal: navigation.transferSize + resources.reduce((sum, entry) => sum + entry.transferSize, 0),
    requestsTotal: resources.map(path),
  };
}

/** `vite build --mode cdn` into `outDir`: the module every client page loads, as a CDN would serve it. */
async function buildCdn(outDir) {
  await build({ root, mode: 'cdn', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const files = new Map();
  const add = (dir, prefix) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) add(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.set(`/cdn/${prefix}${entry.name}`, readFileSync(join(dir, entry.name)));
    }
  };
  add(outDir, '');
  return files;
}

/**
 * The server-rendered page's script as docs/ssr.md says to make it: `ipos-credential-elements/hydrate` (Lit's
 * hydrate support, then the elements), bundled (minified, production Lit, catalogues split off), its Lit templates'
 * text minified as `dist/` ships it — the server renders from the same minified templates, so the two match.
 */
async function buildHydratingClient(outDir) {
  const entry = join(outDir, 'ssr-client.js');
  writeFileSync(entry, `import ${JSON.stringify(resolve(root, 'src/hydrate.ts'))};\n`);
  const result = await build({
    root,
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    plugins: [minifyTemplates()],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry, formats: ['es'], fileName: 'ssr-client' },
    },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o) => o.type === 'chunk');
  // What the module imports, at once or by `import()`, but the catalogues an `en` page never asks for.
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const needed = new Set();
  const visit = (chunk) => {
    if (needed.has(chunk) || /\/src\/i18n\/[a-z]{2}\.ts$/.test(chunk.facadeModuleId ?? '')) return;
    needed.add(chunk);
    for (const file of [...chunk.imports, ...chunk.dynamicImports]) if (byFile.has(file)) visit(byFile.get(file));
  };
  visit(chunks.find((chunk) => chunk.isEntry));
  const files = new Map(chunks.map((chunk) => [`/app/${chunk.fileName}`, Buffer.from(chunk.code)]));
  return { files, preload: [...needed].filter((chunk) => !chunk.isEntry).map((chunk) => `/app/${chunk.fileName}`) };
}

const importTs = async (path) =>
  (await runnerImport(resolve(root, path), { configFile: false, logLevel: 'error' })).module;

/**
 * The server-rendered screen (from templates minified as `dist/` ships them), and the head that loads what hydrates
 * it: the page's module, and its chunks named up front (`modulepreload`), as a server that reads its bundler's
 * manifest does, so the chunk the module imports is not a round trip after it.
 */
async function serverRendered(data, files, outDir) {
  const { module: ssr } = await runnerImport(resolve(root, 'src/ssr/index.ts'), {
    configFile: false,
    logLevel: 'error',
    plugins: [minifyTemplates()],
  });
  const html = await ssr.renderCredentialsScreen({ role: 'merchant', ...data, apiBase: '/api/ipos' });
  const client = await buildHydratingClient(outDir);
  for (const [path, code] of client.files) files.set(path, code);
  const preloads = client.preload.map((path) => `<link rel="modulepreload" href="${path}">`);
  return { html, head: `<script type="module" src="/app/ssr-client.js"></script>${preloads.join('')}` };
}

const MODULE = `<script type="module" src="/cdn/ipos-credential-elements.js"></script>`;

/** Starts the server of the pages, the CDN files and the reference backend (`middleware`). */
async function startServer(files, pages, middleware) {
  const gzipped = new Map();
  const send = (req, res, key, type, body) => {
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    if (gzip && !gzipped.has(key)) gzipped.set(key, gzipSync(body, { level: 9 }));
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(gzip ? gzipped.get(key) : body);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const page = pages.get(path.slice(1));
    if (page !== undefined) return send(req, res, `page:${path}:${page.length}`, TYPES['.html'], Buffer.from(page));
    const file = files.get(path);
    if (file) return send(req, res, path, TYPES[extname(path)] ?? 'application/octet-stream', file);
    middleware(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

async function loadOnce(browser, url, timeoutMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.addInitScript(probe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(() => globalThis.__iposColdLoad?.keysVisibleAt !== undefined, null, {
      timeout: timeoutMs,
    });
    // Late answers (the activity trail) and the layout shifts they cause count for CLS.
    await page.waitForLoadState('networkidle', { timeout: timeoutMs });
    return { ...(await page.evaluate(collect)), errors };
  } finally {
    await context.close();
  }
}

/** One load of `url` clicking Copy API Key from its first frame on screen: when it copied, and when all was ready. */
async function interactiveOnce(browser, url, timeoutMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(interactiveProbe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(
      () => globalThis.__iposInteractive?.copiedAt !== undefined && globalThis.__iposInteractive?.readyAt !== undefined,
      null,
      { timeout: timeoutMs },
    );
    return await page.evaluate(() => globalThis.__iposInteractive);
  } finally {
    await context.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Measures every page `runs` times; returns per page the median time to keys visible, its ratio to the static
 * page's, the largest CLS seen, requests before the keys (from the run closest to the median) and bytes.
 */
export async function coldLoad({ browser, runs = 7, log = () => {}, timeoutMs = 20_000 }) {
  const outDir = mkdtempSync(join(tmpdir(), 'ipos-cold-'));
  let listening;
  try {
    log('cold load: building the CDN module, starting the reference backend');
    const files = await buildCdn(outDir);
    const { createReferenceServer, ReferenceBackend } = await importTs('src/reference/index.ts');
    const { referenceMiddleware } = await importTs('src/reference/node.ts');
    const reference = createReferenceServer();
    const account = new ReferenceBackend({ server: reference, account: 'merchant' });
    // What a server has at hand when it renders the page: the same data for the preloaded and server-rendered pages.
    const data = {
      credentials: await account.generateKeys(),
      terminals: await account.listTerminals(),
      activity: await account.listActivity({}),
    };

    const host = (inner = '') =>
      `<ipos-credentials user-role="merchant" api-base="/api/ipos">${inner}</ipos-credentials>`;
    const preload = `<script type="application/json" data-ipos-initial>${scriptJson(data)}</script>`;
    const rendered = await serverRendered(data, files, outDir);
    const pages = new Map([
      ['static', documentOf('', withoutScripts(rendered.html))],
      ['client', documentOf(MODULE, host())],
      ['preloaded', documentOf(MODULE, host(preload))],
      ['server', documentOf(rendered.head, rendered.html)],
    ]);
    listening = await startServer(files, pages, referenceMiddleware(reference, { account: 'merchant' }));
    const { origin } = listening;

    log(`cold load: ${runs} loads each of ${PAGES.join(', ')}`);
    const loads = Object.fromEntries(PAGES.map((name) => [name, []]));
    const interactive = Object.fromEntries(SCRIPTED.map((name) => [name, []]));
    for (let run = 0; run < runs; run++) {
      for (const name of PAGES) loads[name].push(await loadOnce(browser, `${origin}/${name}`, timeoutMs));
      for (const name of SCRIPTED)
        interactive[name].push(await interactiveOnce(browser, `${origin}/${name}`, timeoutMs));
    }

    const limit = median(loads.static.map((load) => load.keysVisibleMs));
    const pagesOut = {};
    for (const name of PAGES) {
      const all = loads[name];
      const ms = median(all.map((load) => load.keysVisibleMs));
      const typical = all.reduce((best, load) =>
        Math.abs(load.keysVisibleMs - ms) < Math.abs(best.keysVisibleMs - ms) ? load : best,
      );
      const clicked = interactive[name] ?? [];
      const interactiveMs = clicked.length ? median(clicked.map((load) => load.copiedAt)) : undefined;
      const readyMs = clicked.length ? median(clicked.map((load) => load.readyAt)) : undefined;
      pagesOut[name] = {
        keysVisibleMs: Math.round(ms),
        ratio: Number((ms / limit).toFixed(2)),
        ...(interactiveMs !== undefined && {
          interactiveMs: Math.round(interactiveMs),
          interactiveRatio: Number((interactiveMs / limit).toFixed(2)),
          interactiveMsRuns: clicked.map((load) => Math.round(load.copiedAt)),
          readyMs: Math.round(readyMs),
          readyRatio: Number((readyMs / limit).toFixed(2)),
        }),
        keysVisibleMsRuns: all.map((load) => Math.round(load.keysVisibleMs)),
        cls: Number(Math.max(...all.map((load) => load.cls)).toFixed(4)),
        layoutShifts: Math.max(...all.map((load) => load.layoutShifts)),
        apiRequestsBeforeKeys: Math.max(...all.map((load) => load.apiRequestsBeforeKeys)),
        requestsBeforeKeys: typical.requestsBeforeKeys,
        bytesUntilKeys: typical.bytesUntilKeys,
        elements: `${typical.elementsRendered} of ${typical.elements} rendered by script`,
        apiKeyNodes: typical.apiKeyNodes,
        errors: [...new Set(all.flatMap((load) => load.errors))],
        bytesTotal: typical.bytesTotal,
        htmlBytes: Buffer.byteLength(pages.get(name)),
        htmlGzipBytes: gzipSync(pages.get(name), { level: 9 }).length,
      };
    }
    return { runs, network: NETWORK, pages: pagesOut };
  } finally {
    listening?.server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
