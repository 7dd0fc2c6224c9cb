#!/usr/bin/env node
// `npx ipos-credential-elements verify <base-url> [--header "Name: value"]…`: checks a backend against
// the HTTP contract and exits non-zero when any check fails.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [command, ...args] = process.argv.slice(2);
if (command !== 'verify') {
  console.error('usage: ipos-credential-elements verify <base-url> [--header "Name: value"]…');
  process.exit(2);
}

/**
 * The built runner (the published package), or the TypeScript source through Vite in this repository
 * (always with IPOS_VERIFY_FROM_SOURCE=1, as the tests run it, so that a stale dist/ is never tested).
 */
async function loadRunner() {
  const built = new URL('../dist/server/verify.js', import.meta.url);
  if (!process.env.IPOS_VERIFY_FROM_SOURCE && existsSync(fileURLToPath(built))) return import(built.href);
  const { runnerImport } = await import('vite');
  const source = fileURLToPath(new URL('../src/server/verify.ts', import.meta.url));
  return (await runnerImport(source, { configFile: false, logLevel: 'error' })).module;
}

const { verifyBackend, formatResults, parseVerifyArguments } = await loadRunner();
let options;
try {
  options = parseVerifyArguments(args);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
const results = await verifyBackend(options);
console.log(formatResults(results));
process.exit(results.some((result) => result.status === 'fail') ? 1 : 0);
