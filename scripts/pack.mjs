#!/usr/bin/env node
/* global fetch */
// `npm test` step `package`: packs the library as npm would publish it (`prepack` builds dist/), then lints
// the tarball with publint and @arethetypeswrong/cli (ESM-only profile: the package has no CommonJS build), and
// runs the tarball's `keys` and `serve` commands.
// The tarball stays in node_modules/.cache/ipos-pack/ for the consumer apps (scripts/consumers.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const PACK_DIR = resolve('node_modules/.cache/ipos-pack');

/** Packs into PACK_DIR and returns the tarball's path and npm's own figures. */
export function pack() {
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(PACK_DIR, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', PACK_DIR], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // prepack's build logs precede npm's JSON on stdout.
  const [info] = JSON.parse(output.slice(output.lastIndexOf('\n[') + 1));
  const tarball = join(
    PACK_DIR,
    readdirSync(PACK_DIR).find((name) => name.endsWith('.tgz')),
  );
  return {
    tarball,
    files: info.entryCount,
    size: statSync(tarball).size,
    unpacked: info.unpackedSize,
    paths: info.files.map((f) => f.path),
  };
}

/** The bare specifiers a declaration file needs, following its relative imports. */
function packagesTypesNeed(file, seen = new Set(), packages = new Set()) {
  // A relative path with no file behind it is an example in a doc comment.
  if (seen.has(file) || !existsSync(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, specifier] of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
    if (specifier.startsWith('.'))
      packagesTypesNeed(join(dirname(file), specifier.replace(/\.js$/, '.d.ts')), seen, packages);
    else packages.add(specifier);
  }
  return packages;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { tarball, files, size, unpacked, paths } = pack();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(`packed ${tarball}: ${files} files, ${kb(size)} (unpacked ${kb(unpacked)})`);
  const required = [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/index.js',
    'dist/define.d.ts',
    'dist/cdn/ipos-credential-elements.js',
  ];
  const missing = required.filter((path) => !paths.includes(path));
  const unwanted = paths.filter((path) => path.endsWith('.map') || path.startsWith('src/'));
  if (missing.length || unwanted.length) {
    console.error(`tarball: missing ${JSON.stringify(missing)}, unwanted ${JSON.stringify(unwanted)}`);
    process.exit(1);
  }
  // What each entry's declarations import, followed through dist/: the browser entries' types must not need the
  // reference backend's optional peers, and no entry's types may need Vite.
  const forbidden = { '.': ['zod', 'jose', 'vite'], define: ['zod', 'jose', 'vite'], cdn: ['zod', 'jose', 'vite'] };
  Object.assign(forbidden, {
    react: forbidden.define,
    vue: forbidden.define,
    'reference/node': ['vite'],
    // A Node server's page renderer: its types need neither the reference backend's peers nor Lit SSR's.
    ssr: ['zod', 'jose', 'vite', '@lit-labs/ssr'],
  });
  for (const [entry, packages] of Object.entries(forbidden)) {
    const needed = packagesTypesNeed(`dist/${entry === '.' ? 'index' : entry}.d.ts`);
    const wrong = [...needed].filter((name) => packages.some((bad) => name === bad || name.startsWith(`${bad}/`)));
    if (wrong.length) {
      console.error(`types of ./${entry === '.' ? '' : entry} need ${wrong.join(', ')}`);
      process.exit(1);
    }
  }
  console.log('entry types: no zod, jose or Vite needed by the browser entries and ./ssr, no Vite by ./reference/node');
  const bin = (name) => resolve('node_modules/.bin', name);
  execFileSync(bin('publint'), ['run', tarball, '--strict'], { stdio: 'inherit' });
  try {
    execFileSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped'], { encoding: 'utf8' });
    console.log('attw (esm-only profile): no problems');
  } catch (error) {
    console.error(error.stdout, error.stderr);
    process.exit(1);
  }
  await checkServiceCommands(tarball);
}

/**
 * The tarball's bin runs `keys` and `serve` from its own dist/ (the peers resolve from this repository's
 * node_modules, as they would from an app's): keys in the server options' form, and a service that starts,
 * answers /healthz and exits 0 on SIGTERM.
 */
async function checkServiceCommands(tarball) {
  execFileSync('tar', ['xzf', tarball, '-C', PACK_DIR]);
  const packed = join(PACK_DIR, 'package/bin/ipos-credential-elements.mjs');
  const keys = JSON.parse(execFileSync(process.execPath, [packed, 'keys', '--json'], { encoding: 'utf8' }));
  if (!keys.dataKeys?.currentKeyId || !keys.signingKey?.privateKey?.includes('BEGIN PRIVATE KEY')) {
    console.error(`packed bin: keys printed ${JSON.stringify(Object.keys(keys))}`);
    process.exit(1);
  }
  const jwks = join(PACK_DIR, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [] }));
  const env = {
    PATH: process.env.PATH,
    IPOS_DATABASE: 'memory',
    IPOS_PORT: '0',
    IPOS_IDENTITY: 'jwt',
    IPOS_JWT_JWKS_FILE: jwks,
    IPOS_JWT_ISSUER: 'https://portal.example.test',
    IPOS_JWT_AUDIENCE: 'ipos-credentials',
  };
  const child = spawn(process.execPath, [packed, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') resolve(entry.url);
    });
    exited.then((code) => reject(new Error(`packed bin: serve exited (${code}) before listening`)));
  });
  const health = await fetch(`${url}/healthz`);
  child.kill('SIGTERM');
  const code = await exited;
  if (health.status !== 200 || code !== 0) {
    console.error(`packed bin: serve answered /healthz ${health.status} and exited ${code}`);
    process.exit(1);
  }
  console.log('packed bin: keys prints the server options, serve starts, answers /healthz and exits 0 on SIGTERM');
}
