#!/usr/bin/env node
// `npm test` step `consumers`: the README's snippets are tests. Installs the packed library (scripts/pack.mjs)
// into fresh consumer apps — Vite + TypeScript, React 19, Vue 3 (vue-tsc), Angular (standalone, ngc), a
// plain HTML page with the CDN file, a Node server (reference entries, no DOM lib, no Vite) and a Node server rendering
// the screen (./ssr with @lit-labs/ssr, its page read in Chromium with JavaScript off) —, pastes each
// README code block marked `<!-- snippet: name -->` into
// them unchanged, type-checks strictly, builds, serves each against the reference backend and drives it in
// Chromium: keys generated and shown, the secret copied to the clipboard, an event received by the snippet.
// docs/server.md is a test the same way: its blocks marked `<!-- guide: name -->` — the commands and the files —
// run unchanged in fresh apps outside this repository that install the packed library and exactly the packages the
// guide names, on PGlite (Node `http`) and on a throwaway PostgreSQL (Express), the page driven in Chromium under
// its strict CSP: keys generated, copied and reset, an Auth Token minted, the ISO screen shown to an ISO admin.
//
// The apps' toolchain is installed once into node_modules/.cache/ipos-consumers/<hash of CONSUMER_DEPENDENCIES>;
// each run installs only the fresh tarball there. `npm run test:consumers -- vue react` runs some apps only.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { chromium } from 'playwright';
import { runnerImport } from 'vite';
import { chromiumArgs, chromiumExecutablePath } from '../test/support/chromium.mjs';
import { PACK_DIR, pack } from './pack.mjs';

/** What a consumer app installs besides the library (its optional peers zod and jose run the reference backend). */
export const CONSUMER_DEPENDENCIES = {
  '@angular/common': '~21.2.26',
  '@angular/compiler': '~21.2.26',
  '@angular/compiler-cli': '~21.2.26',
  '@angular/core': '~21.2.26',
  '@angular/platform-browser': '~21.2.26',
  '@lit-labs/ssr': '~4.1.0',
  '@lit-labs/ssr-client': '~1.1.8',
  '@types/node': '^20.19.0',
  '@types/react': '^19.2.0',
  '@types/react-dom': '^19.2.0',
  '@vitejs/plugin-vue': '^6.0.11',
  jose: '~6.2.18',
  react: '^19.2.0',
  'react-dom': '^19.2.0',
  rxjs: '~7.8.2',
  tslib: '^2.8.0',
  typescript: '~5.9.3',
  vite: '~8.3.8',
  vue: '~3.5.45',
  'vue-tsc': '^3.3.14',
  zod: '~4.6.7',
};

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
/**
 * How long a page may take to load or show what a wait looks for (every wait and navigation of a tab): what a loaded
 * machine needs for a cold page, this step running beside the browser tests and other suites. Each wait ends as soon
 * as its condition holds.
 */
const WAIT_MS = 60_000;

// ── The README's snippets, verbatim ──────────────────────────────────────────────────────────────────────────
const readme = readFileSync('README.md', 'utf8');
const snippets = new Map(
  [...readme.matchAll(/<!-- snippet: ([\w-]+) -->\s*\n```\w*\n([\s\S]*?)\n```/g)].map(([, name, code]) => [
    name,
    `${code}\n`,
  ]),
);
const snippet = (name) => {
  const code = snippets.get(name);
  if (!code) throw new Error(`README.md has no code block marked <!-- snippet: ${name} -->`);
  return code;
};

// ── docs/server.md's blocks, verbatim ──────────────────────────────────────────────────────────────────────────
const guideBlocks = new Map(
  [
    ...readFileSync('docs/server.md', 'utf8').matchAll(/<!-- guide: ([\w./[\]-]+) -->\s*\n```\w*\n([\s\S]*?)\n```/g),
  ].map(([, name, code]) => [name, `${code}\n`]),
);
const guideBlock = (name) => {
  const code = guideBlocks.get(name);
  if (!code) throw new Error(`docs/server.md has no code block marked <!-- guide: ${name} -->`);
  return code;
};

// ── The toolchain, installed once per dependency set ─────────────────────────────────────────────────────────
const key = createHash('sha256')
  .update(JSON.stringify(CONSUMER_DEPENDENCIES) + process.version)
  .digest('hex')
  .slice(0, 12);
const root = resolve('node_modules/.cache/ipos-consumers', key);
const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: 'inherit' });
if (!existsSync(join(root, 'node_modules/.installed'))) {
  const since = performance.now();
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'ipos-consumers', private: true, type: 'module', devDependencies: CONSUMER_DEPENDENCIES }),
  );
  npm(['install'], root);
  writeFileSync(join(root, 'node_modules/.installed'), '');
  console.log(`consumer toolchain installed into ${root} in ${seconds(since)}`);
}
// `--reuse-pack`: `npm test` packed the library one step earlier (scripts/pack.mjs); alone, pack afresh.
const tarball = process.argv.includes('--reuse-pack') ? tarballIn(PACK_DIR) : pack().tarball;
npm(['install', '--no-save', tarball], root);
const library = join(root, 'node_modules/ipos-credential-elements');
const bin = (name) => join(root, 'node_modules/.bin', name);

function tarballIn(dir) {
  const name = existsSync(dir) ? readdirSync(dir).find((file) => file.endsWith('.tgz')) : undefined;
  return name ? join(dir, name) : pack().tarball;
}

// ── The apps ─────────────────────────────────────────────────────────────────────────────────────────────────
const strictTs = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  isolatedModules: true,
};
/** A Node app's strict tsconfig: no DOM lib, NodeNext modules, compiled to out/. */
const nodeTsconfig = (files) => ({
  compilerOptions: {
    ...strictTs,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    noEmit: false,
    outDir: 'out',
  },
  files,
});
const page = (body, head = '') =>
  `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>consumer</title>${head}</head>\n<body>\n${body}</body>\n</html>\n`;
const viteConfigFor = (account) =>
  `import { defineConfig } from 'vite';\nimport { referenceVitePlugin } from 'ipos-credential-elements/reference/node';\n` +
  `export default defineConfig({ plugins: [referenceVitePlugin({ basePath: '/api/ipos', account: '${account}' })] });\n`;

/** Each app: its files (README snippets marked `snippet(...)`), its checks, how it is served, what proves it works. */
const apps = {
  'vite-ts': {
    files: {
      'vite.config.ts': snippet('vite-config'),
      'index.html': page(
        `${snippet('embed-html')}<script type="module" src="/src/main.ts"></script>\n`,
        '<link rel="stylesheet" href="/src/theme.css">',
      ),
      'src/main.ts': snippet('typed-events'),
      'src/theme.css': snippet('theme-css'),
      'tsconfig.json': { compilerOptions: strictTs, include: ['src', 'vite.config.ts'] },
    },
    check: [[bin('tsc'), ['-p', '.']]],
    build: [[bin('vite'), ['build', '--logLevel', 'warn']]],
    serve: 'vite',
    event: { console: 'copied secretKey' },
    // The README's theme: a token and a prefixed part of the provider reach the key panel's Generate button.
    style: { backgroundColor: 'rgb(10, 125, 85)', textTransform: 'uppercase' },
  },
  react: {
    files: {
      'vite.config.ts': snippet('vite-config'),
      'index.html': page('<div id="root"></div>\n<script type="module" src="/src/main.tsx"></script>\n'),
      'src/ApiAccess.tsx': snippet('react'),
      'src/main.tsx':
        "import { createRoot } from 'react-dom/client';\nimport { ApiAccess } from './ApiAccess';\n" +
        'createRoot(document.getElementById(\'root\')!).render(<ApiAccess role="merchant" />);\n',
      'tsconfig.json': { compilerOptions: { ...strictTs, jsx: 'react-jsx' }, include: ['src', 'vite.config.ts'] },
    },
    check: [[bin('tsc'), ['-p', '.']]],
    build: [[bin('vite'), ['build', '--logLevel', 'warn']]],
    serve: 'vite',
    event: { text: 'Copied: secretKey' },
  },
  vue: {
    files: {
      'vite.config.ts': snippet('vue-config'),
      'index.html': page('<div id="app"></div>\n<script type="module" src="/src/main.ts"></script>\n'),
      'src/App.vue': snippet('vue-sfc'),
      'src/main.ts': "import { createApp } from 'vue';\nimport App from './App.vue';\ncreateApp(App).mount('#app');\n",
      'tsconfig.json': {
        compilerOptions: { ...strictTs, jsx: 'preserve' },
        vueCompilerOptions: { strictTemplates: true },
        include: ['src/**/*.ts', 'src/**/*.vue', 'vite.config.ts'],
      },
    },
    check: [[bin('vue-tsc'), ['-p', '.']]],
    build: [[bin('vite'), ['build', '--logLevel', 'warn']]],
    serve: 'vite',
    event: { text: 'Copied: secretKey' },
  },
  angular: {
    // ngc compiles ahead of time with strict templates; Vite bundles its output (Angular's own packages are
    // linked at runtime by @angular/compiler, which keeps this app free of the Angular CLI's builder).
    files: {
      'src/app/api-access.component.ts': snippet('angular'),
      'src/main.ts':
        "import '@angular/compiler';\nimport { provideZonelessChangeDetection } from '@angular/core';\n" +
        "import { bootstrapApplication } from '@angular/platform-browser';\nimport { ApiAccessComponent } from './app/api-access.component.js';\n" +
        'void bootstrapApplication(ApiAccessComponent, { providers: [provideZonelessChangeDetection()] });\n',
      'index.html': page('<app-api-access></app-api-access>\n<script type="module" src="/out-tsc/main.js"></script>\n'),
      'vite.config.ts': viteConfigFor('agent'),
      'tsconfig.json': {
        compilerOptions: {
          ...strictTs,
          noEmit: false,
          outDir: 'out-tsc',
          rootDir: 'src',
          types: [],
          experimentalDecorators: true,
          useDefineForClassFields: false,
        },
        angularCompilerOptions: { strictTemplates: true, strictInjectionParameters: true },
        include: ['src/**/*.ts'],
      },
    },
    check: [[bin('ngc'), ['-p', 'tsconfig.json']]],
    build: [[bin('vite'), ['build', '--logLevel', 'warn']]],
    serve: 'vite',
    event: { text: 'Copied: secretKey' },
  },
  // A Node server with no DOM lib, no Vite and skipLibCheck off: the reference and server entries' types must hold there.
  node: {
    files: {
      'server.ts':
        "import { createServer } from 'node:http';\nimport { createReferenceServer } from 'ipos-credential-elements/reference';\n" +
        "import { referenceMiddleware } from 'ipos-credential-elements/reference/node';\n" +
        "const middleware = referenceMiddleware(createReferenceServer(), { account: 'agent' });\n" +
        'const server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));\n' +
        "server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));\n",
      // The server kit with neither pg nor PGlite installed: its types must not need them.
      'kit.ts':
        "import { createServer } from 'node:http';\n" +
        "import { createCredentialsServer, memoryStore, nodeListener } from 'ipos-credential-elements/server';\n" +
        'const credentials = createCredentialsServer({\n' +
        "  resolveAccount: () => ({ accountId: 'm-1', role: 'merchant', name: 'Merchant' }),\n" +
        '  store: memoryStore(),\n' +
        "  basePath: '/api/ipos',\n" +
        '});\n' +
        'const server = createServer(nodeListener(credentials));\n' +
        "server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));\n",
      'package.json': { type: 'module' },
      'tsconfig.json': nodeTsconfig(['server.ts', 'kit.ts']),
    },
    check: [[bin('tsc'), ['-p', '.']]],
    build: [],
    serve: 'script',
  },
  // A Node server rendering the screen (./ssr with @lit-labs/ssr), no DOM lib, skipLibCheck off: ./ssr's types hold there.
  ssr: {
    files: {
      'server.ts':
        "import { readFile } from 'node:fs/promises';\n" +
        "import { createServer } from 'node:http';\n" +
        "import { renderCredentialsScreen, type Credentials } from 'ipos-credential-elements/ssr';\n" +
        'const credentials: Credentials = {\n' +
        "  role: 'iso',\n" +
        "  scopes: ['BatchReport', 'ExternalApi'],\n" +
        "  keys: { apiKey: 'dakey_ConsumerRenderedKey0123456789ab', secretKeyHint: 'Zq9x', createdAt: '2026-03-01T09:30:00.000Z', secretRotatedAt: '2026-03-01T09:30:00.000Z' },\n" +
        '};\n' +
        'const server = createServer(async (req, res) => {\n' +
        "  if (/^\\/assets\\/[\\w-]+\\.js$/.test(req.url ?? '')) {\n" +
        "    res.writeHead(200, { 'Content-Type': 'text/javascript' });\n" +
        '    return res.end(await readFile(new URL(`../public${req.url}`, import.meta.url)));\n' +
        '  }\n' +
        '  const activity = { events: [], nextCursor: null };\n' +
        "  const screen = await renderCredentialsScreen({ role: 'iso', lang: 'fr', apiBase: '/api/ipos', credentials, activity });\n" +
        "  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });\n" +
        '  res.end(`<!doctype html><html lang="fr"><head><script type="module" src="/assets/client.js"></script></head><body>${screen}</body></html>`);\n' +
        '});\n' +
        "server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));\n",
      'package.json': { type: 'module' },
      'tsconfig.json': nodeTsconfig(['server.ts']),
      // The page's module as docs/ssr.md says, built by Vite as an app would be.
      'client.ts': "import 'ipos-credential-elements/hydrate';\n",
      'vite.config.ts':
        "import { defineConfig } from 'vite';\n" +
        "export default defineConfig({ build: { outDir: 'public', rollupOptions: { input: 'client.ts', output: { entryFileNames: 'assets/client.js' } } } });\n",
    },
    check: [[bin('tsc'), ['-p', '.']]],
    build: [[bin('vite'), ['build', '--logLevel', 'warn']]],
    serve: 'ssr',
  },
  cdn: {
    files: {
      'index.html': page(snippet('cdn-html'), '<meta name="csrf-token" content="csrf-from-the-page">'),
    },
    check: [],
    build: [],
    serve: 'node',
    event: { console: 'copied secretKey' },
  },
};

// ── Running ──────────────────────────────────────────────────────────────────────────────────────────────────
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'inherit' });

/** `vite preview` (the reference plugin mounts the backend there too); resolves with its URL and a stop(). */
async function serveWithVite(dir) {
  const child = spawn(bin('vite'), ['preview', '--port', '0', '--host', '127.0.0.1'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolveUrl, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stripVTControlCharacters(output));
      if (found) resolveUrl(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`vite preview exited with ${code}: ${output}`)));
  });
  return { url, requests: undefined, stop: () => child.kill() };
}

/** A plain static server: the page, the CDN folder under /assets/, the reference backend under /api/ipos. */
async function serveWithNode(dir) {
  const { createReferenceServer } = await import(pathToFileURL(join(library, 'dist/reference/index.js')).href);
  const { referenceMiddleware } = await import(pathToFileURL(join(library, 'dist/reference/node.js')).href);
  const api = referenceMiddleware(createReferenceServer(), { account: 'iso' });
  const requests = [];
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/api/ipos')) {
      requests.push({ path, csrf: req.headers['x-csrf-token'] });
      return api(req, res, () => res.writeHead(404).end());
    }
    const file = path === '/' ? join(dir, 'index.html') : join(library, 'dist/cdn', path.replace(/^\/assets\//, ''));
    if (!path.match(/^\/($|assets\/[\w./-]+$)/) || path.includes('..') || !existsSync(file))
      return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, stop: () => server.close() };
}

/** Runs the compiled Node apps — the reference and the server kit — and asks each for its account's credentials. */
async function probeNodeServer(dir) {
  await probeCredentials(dir, 'out/server.js', 'agent');
  await probeCredentials(dir, 'out/kit.js', 'merchant');
}

async function probeCredentials(dir, script, role) {
  const child = spawn(process.execPath, [script], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const { port } = await printedAddress(child, script);
    const answer = await globalThis.fetch(`http://127.0.0.1:${port}/api/ipos/credentials`);
    const body = await answer.json();
    if (answer.status !== 200 || body.role !== role)
      throw new Error(`${script}: GET /credentials: ${answer.status} ${JSON.stringify(body)}`);
  } finally {
    child.kill();
  }
}

/** The address a Node app prints once it listens: its first line of output, `server.address()` as JSON. */
function printedAddress(child, name) {
  return new Promise((resolveAddress, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!output.includes('\n')) return; // a line may come in pieces
      const line = output.slice(0, output.indexOf('\n'));
      try {
        resolveAddress(JSON.parse(line));
      } catch {
        reject(new Error(`${name} printed "${line}", not its address`));
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/**
 * Runs the compiled SSR app and reads its page in Chromium: with JavaScript off, the key in French; with it on, the
 * same screen hydrated by the Vite-built module — one of each element, every one updated, no warning or error.
 */
async function probeSsrServer(dir, browser) {
  const child = spawn(process.execPath, ['out/server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const { port } = await printedAddress(child, 'the SSR app');
    for (const javaScriptEnabled of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled });
      context.setDefaultTimeout(WAIT_MS);
      try {
        const tab = await context.newPage();
        const problems = [];
        tab.on('console', (message) => ['warning', 'error'].includes(message.type()) && problems.push(message.text()));
        tab.on('pageerror', (error) => problems.push(error.message));
        await tab.goto(`http://127.0.0.1:${port}/`);
        if (javaScriptEnabled) await checkHydrated(tab, problems);
        const shown = await tab.locator('ipos-key-panel [part~="api-key"]').textContent();
        const heading = await tab.locator('ipos-key-panel h2').textContent();
        if (shown !== 'dakey_ConsumerRenderedKey0123456789ab' || !heading?.startsWith('Générer'))
          throw new Error(`the page shows key ${shown} under "${heading}", not the rendered key in French`);
      } finally {
        await context.close();
      }
    }
  } finally {
    child.kill();
  }
}

/** Every element of the ISO screen hydrated, once: a page that did not hydrate renders a second screen. */
async function checkHydrated(tab, problems) {
  await tab.waitForFunction(() => customElements.get('ipos-credentials') !== undefined);
  await tab.locator('ipos-key-panel [part~="copy-api-key"]').waitFor();
  const elements = await tab.evaluate(() => {
    const found = [];
    const walk = (root) => {
      for (const element of root.querySelectorAll('*')) {
        if (!element.localName.startsWith('ipos-')) continue;
        found.push(`${element.localName}${element.hasUpdated ? '' : ' (not updated)'}`);
        if (element.shadowRoot) walk(element.shadowRoot);
      }
    };
    walk(document);
    return found.sort();
  });
  const expected = ['ipos-credentials', 'ipos-key-activity', 'ipos-key-panel', 'ipos-scope-list'];
  if (JSON.stringify(elements) !== JSON.stringify(expected) || problems.length)
    throw new Error(`after hydration: ${elements.join(', ')}; console: ${problems.join(' | ') || 'nothing'}`);
}

/** Keys shown, the secret copied, the snippet's event handler heard: in real Chromium. */
async function drive(browser, url, expected) {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  context.setDefaultTimeout(WAIT_MS);
  const tab = await context.newPage();
  const consoleLines = [];
  const problems = [];
  tab.on('console', (message) => consoleLines.push(message.text()));
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    await tab.goto(url);
    const panel = tab.locator('ipos-key-panel');
    const generate = panel.locator('[part~="generate-button"]');
    await generate.waitFor();
    for (const [property, value] of Object.entries(expected.style ?? {})) {
      const seen = await generate.evaluate((button, name) => globalThis.getComputedStyle(button)[name], property);
      if (seen !== value) problems.push(`Generate button ${property} is ${seen}, the README's theme says ${value}`);
    }
    await generate.click();
    const apiKey = panel.locator('[part~="api-key"]');
    await apiKey.filter({ hasText: /^dakey_/ }).waitFor();
    await panel.locator('[part~="copy-secret-key"]').click();
    await tab.waitForFunction(async () => /^dskey_/.test(await globalThis.navigator.clipboard.readText()));
    if (expected.text) await tab.getByText(expected.text).waitFor();
    if (expected.console && !consoleLines.includes(expected.console)) {
      const line = (message) => message.text() === expected.console;
      await tab.waitForEvent('console', line).catch(() => undefined);
      if (!consoleLines.includes(expected.console)) problems.push(`no console line "${expected.console}"`);
    }
  } catch (error) {
    problems.push(error.message.split('\n')[0]);
  } finally {
    await context.close();
  }
  if (problems.length) throw new Error(`${problems.join('; ')}\nconsole: ${consoleLines.join(' | ')}`);
}

// ── docs/server.md as apps ─────────────────────────────────────────────────────────────────────────────────────
const GUIDE_FILES = ['session.js', 'store.js', 'credentials.js', 'page.js'];
/** Each app: the guide's commands in order, its files (name in the app → block), how it starts, on which database. */
const guideApps = {
  'guide-pglite': {
    commands: ['init', 'install'],
    files: Object.fromEntries([...GUIDE_FILES, 'server.js'].map((name) => [name, name])),
    start: 'run',
    database: 'pglite',
  },
  'guide-postgres-express': {
    commands: ['init', 'install', 'install-pg', 'install-express'],
    files: {
      ...Object.fromEntries(GUIDE_FILES.map((name) => [name, name])),
      'store.js': 'store-postgres.js',
      'app.js': 'app.js',
    },
    start: 'run-express',
    database: 'postgres',
  },
  'guide-next': {
    commands: ['init', 'install', 'install-next'],
    files: Object.fromEntries(
      [
        'session.js',
        'store.js',
        'credentials.js',
        'next.config.js',
        'app/api/ipos/[...path]/route.js',
        'app/ipos-elements/[...path]/route.js',
        'app/sign-in/route.js',
        'app/layout.js',
        'app/page.js',
      ].map((name) => [name, name]),
    ),
    start: 'run-next',
    ready: /Ready in/,
    database: 'pglite',
    // Next.js writes inline scripts of its own: its CSP needs nonces, which the guide leaves to Next.js's guide.
    csp: false,
  },
  'guide-hono': {
    commands: ['init', 'install', 'install-hono'],
    files: Object.fromEntries([...GUIDE_FILES, 'hono.js'].map((name) => [name, name])),
    start: 'run-hono',
    database: 'pglite',
  },
};

/**
 * Runs one guide app in a folder of its own outside this repository (so that nothing resolves but what it
 * installed): the guide's commands, with the packed tarball for the package's name; then its files; then starts it
 * and drives the page in Chromium.
 */
async function runGuideApp(name, app, browser) {
  const dir = mkdtempSync(join(tmpdir(), `ipos-${name}-`));
  // An integrator's shell: nothing this process's tools set (Vite sets NODE_ENV when it loads a module).
  const { NODE_ENV: _toolsOwn, ...shell } = process.env;
  let postgres;
  let server;
  try {
    const named = new Set();
    for (const command of app.commands) {
      for (const line of guideBlock(command)
        .split('\n')
        .filter((text) => text.trim() && !text.startsWith('#'))) {
        const installed = /^npm install ([^#]*)/.exec(line)?.[1].trim().split(/\s+/) ?? [];
        for (const pkg of installed) named.add(pkg);
        const local = line.replace(/^(npm install .*)\bipos-credential-elements\b/, `$1${tarball}`);
        execFileSync('bash', ['-c', local], {
          cwd: dir,
          stdio: 'inherit',
          env: { ...shell, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_loglevel: 'error' },
        });
      }
    }
    // Exactly the packages the guide names, nothing more.
    const dependencies = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {});
    if (JSON.stringify(dependencies.sort()) !== JSON.stringify([...named].sort()))
      throw new Error(`the app depends on ${dependencies.join(', ')}; the guide names ${[...named].join(', ')}`);
    for (const [file, block] of Object.entries(app.files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), guideBlock(block));
    }
    const env = { ...shell, PORT: String(await freePort()), NEXT_TELEMETRY_DISABLED: '1' };
    if (app.database === 'postgres') {
      const { module } = await runnerImport(resolve('test/support/postgres.ts'), {
        configFile: false,
        logLevel: 'silent',
      });
      postgres = await module.startPostgres();
      env.DATABASE_URL = postgres.createDatabase('portal');
    }
    server = await startGuideServer(dir, guideBlock(app.start).trim(), env, app.ready);
    const csp = app.csp !== false;
    await driveGuide(browser, server.url, csp);
    const underCsp = csp ? ', under the strict CSP with 0 violations' : '';
    return `${app.database}: keys generated, copied and reset, a token minted, the ISO screen for an ISO admin${underCsp}`;
  } finally {
    server?.stop();
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on now, for an app that takes its port from PORT. */
function freePort() {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the app with the guide's own command; resolves with the URL it prints once it says it is `ready` (the
 * Node apps print their URL when they listen; Next.js prints it first, then "Ready"), and a stop() of its group.
 */
async function startGuideServer(dir, command, env, ready = /http:\/\/localhost:\d+/) {
  const child = spawn('bash', ['-c', command], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const url = await new Promise((resolveUrl, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /http:\/\/localhost:(\d+)/.exec(output);
      if (found && ready.test(output)) resolveUrl(`http://localhost:${found[1]}/`);
    });
    child.on('exit', (code) => reject(new Error(`\`${command}\` exited with ${code}: ${output}`)));
  }).catch((error) => {
    stop();
    throw error;
  });
  return { url, stop };
}

/**
 * The guide's page in Chromium as its admins use it: the merchant generates the keys, copies the secret, resets it
 * and mints an Auth Token; the ISO admin gets the ISO screen. The elements' files come from `elementAssets()` with
 * their cache headers, and the strict CSP reports nothing.
 */
async function driveGuide(browser, url, csp) {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  await context.addInitScript(() => {
    globalThis.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      globalThis.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const problems = [];
  const assets = new Map();
  context.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  const policies = [];
  context.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    // The page itself; not the sign-in's redirect to it.
    if (path === '/' && response.status() === 200) policies.push(response.headers()['content-security-policy']);
    if (path.startsWith('/ipos-elements/')) assets.set(path, response.headers()['cache-control']);
  });
  const clipboard = (tab) => tab.evaluate(() => globalThis.navigator.clipboard.readText());
  const wait = { timeout: 30_000 };
  try {
    const tab = await context.newPage();
    await tab.goto(url); // not signed in: the stand-in signs in the demo merchant
    const panel = tab.locator('ipos-key-panel');
    const status = panel.locator('[part~="status"]');
    await panel.locator('[part~="generate-button"]').click(wait);
    await status.filter({ hasText: 'API and Secret keys generated successfully.' }).waitFor(wait);
    await panel.locator('[part~="copy-secret-key"]').click(wait);
    await tab.waitForFunction(async () => /^dskey_/.test(await globalThis.navigator.clipboard.readText()), null, wait);
    const secret = await clipboard(tab);
    await panel.locator('[part~="reset-button"]').click(wait);
    await panel.locator('[part~="confirm-button"]').click(wait);
    await status.filter({ hasText: 'Secret key reset.' }).waitFor(wait);
    await panel.locator('[part~="copy-secret-key"]').click(wait);
    await tab.waitForFunction(
      async (old) =>
        /^dskey_/.test(await globalThis.navigator.clipboard.readText()) &&
        (await globalThis.navigator.clipboard.readText()) !== old,
      secret,
      wait,
    );

    const generator = tab.locator('ipos-token-generator');
    await generator.locator('[part~="tpn-select"]').selectOption('139322815011', wait);
    await generator.locator('[part~="generate-button"]').click(wait);
    await generator
      .locator('[part~="status"]')
      .filter({ hasText: 'Auth Token generated for TPN 139322815011.' })
      .waitFor(wait);
    await generator.locator('[part~="copy-token"]').click(wait);
    await tab.waitForFunction(
      async () => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(await globalThis.navigator.clipboard.readText()),
      null,
      wait,
    );
    problems.push(...(await tab.evaluate(() => globalThis.__violations)).map((text) => `CSP: ${text}`));

    await tab.goto(new URL('/sign-in?as=iso', url).href);
    await tab.locator('ipos-key-panel [part~="generate-button"]').waitFor(wait);
    const isoScreen = {
      role: await tab.locator('ipos-credentials').getAttribute('user-role'),
      tokenGenerators: await tab.locator('ipos-token-generator').count(),
    };
    if (isoScreen.role !== 'iso' || isoScreen.tokenGenerators !== 0)
      problems.push(`the ISO admin's page: ${JSON.stringify(isoScreen)}`);
    problems.push(...(await tab.evaluate(() => globalThis.__violations)).map((text) => `CSP: ${text}`));
  } catch (error) {
    problems.push(error.message.split('\n')[0]);
  } finally {
    await context.close();
  }
  const entry = assets.get('/ipos-elements/ipos-credential-elements.js');
  const chunks = [...assets].filter(([path]) => path.includes('/chunks/'));
  if (csp && (!policies.length || policies.some((policy) => !policy?.includes("require-trusted-types-for 'script'"))))
    problems.push(`the page was served with the policies ${JSON.stringify(policies)}`);
  if (entry !== 'no-cache') problems.push(`the entry was served with Cache-Control ${entry}`);
  if (!chunks.length || chunks.some(([, cache]) => cache !== 'public, max-age=31536000, immutable'))
    problems.push(`the chunks were served with ${JSON.stringify(chunks)}`);
  if (problems.length) throw new Error(problems.join('; '));
}

const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const selected = Object.entries(apps).filter(([name]) => !only.length || only.includes(name));
const selectedGuides = Object.entries(guideApps).filter(([name]) => !only.length || only.includes(name));
const browser = await chromium.launch({ executablePath: await chromiumExecutablePath(), args: chromiumArgs });
const results = [];
for (const [name, app] of selected) {
  const since = performance.now();
  const dir = join(root, 'apps', name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(app.files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  console.log(`\n── ${name}`);
  let server;
  try {
    for (const [command, args] of [...app.check, ...app.build]) run(command, args, dir);
    if (app.serve === 'script') {
      await probeNodeServer(dir);
    } else if (app.serve === 'ssr') {
      await probeSsrServer(dir, browser);
    } else {
      server = app.serve === 'vite' ? await serveWithVite(dir) : await serveWithNode(dir);
      await drive(browser, server.url, { ...app.event, style: app.style });
    }
    if (server?.requests) {
      const withoutCsrf = server.requests.filter((request) => request.csrf !== 'csrf-from-the-page');
      if (!server.requests.length || withoutCsrf.length)
        throw new Error(`CSRF header missing on ${withoutCsrf.length} of ${server.requests.length} API requests`);
    }
    results.push({ name, ok: true, time: seconds(since) });
    const proved =
      {
        script: 'served the accounts (reference, server kit)',
        ssr: 'rendered the key in French, readable with JavaScript off, hydrated once by a Vite build',
      }[app.serve] ?? 'keys shown, secret copied, event received';
    console.log(`ok  ${name}: type-checked, built, ${proved} (${seconds(since)})`);
  } catch (error) {
    results.push({ name, ok: false, time: seconds(since) });
    console.error(`FAIL ${name}: ${error.message}`);
  } finally {
    server?.stop();
  }
}
for (const [name, app] of selectedGuides) {
  const since = performance.now();
  console.log(`\n── ${name} (docs/server.md)`);
  try {
    const proved = await runGuideApp(name, app, browser);
    results.push({ name, ok: true, time: seconds(since) });
    console.log(`ok  ${name}: the guide's commands and files unchanged, ${proved} (${seconds(since)})`);
  } catch (error) {
    results.push({ name, ok: false, time: seconds(since) });
    console.error(`FAIL ${name}: ${error.message}`);
  }
}
await browser.close();

const failed = results.filter((result) => !result.ok);
console.log(
  `\nconsumers: ${results.length - failed.length} passed, ${failed.length} failed (${results.map((r) => `${r.name} ${r.time}`).join(', ')}; total ${seconds(started)})`,
);
// Read by scripts/test.mjs like the other runners' totals.
console.log(`Tests  ${results.length - failed.length} passed | ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
