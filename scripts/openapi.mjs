#!/usr/bin/env node
/**
 * Writes `openapi.json` (the HTTP contract as OpenAPI 3.1) from the zod schemas, through
 * `buildOpenApiDocument()` in src/backend/openapi.ts.
 *   node scripts/openapi.mjs           write openapi.json
 *   node scripts/openapi.mjs --check   fail if openapi.json is out of date
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../openapi.json', import.meta.url));

// Vite's module runner loads the TypeScript source as is: no build step, no extra dependency.
const { module } = await runnerImport(fileURLToPath(new URL('../src/backend/openapi.ts', import.meta.url)), {
  root,
  configFile: false,
  logLevel: 'silent',
});
const text = await format(JSON.stringify(module.buildOpenApiDocument(), null, 2));

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (JSON.stringify(JSON.parse(current || 'null')) !== JSON.stringify(JSON.parse(text))) {
    console.error('openapi.json is out of date: run `node scripts/openapi.mjs`.');
    process.exit(1);
  }
  console.log('openapi.json is up to date.');
} else {
  await writeFile(target, text);
  console.log(`Wrote ${target}`);
}

/** Formats like the repository's Prettier would, so `prettier --check` passes; plain JSON without it. */
async function format(json) {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(target)) ?? {};
    return await prettier.format(json, { ...options, parser: 'json', filepath: target });
  } catch {
    return `${json}\n`;
  }
}
