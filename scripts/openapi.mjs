#!/usr/bin/env node
/**
 * Writes the OpenAPI 3.1 documents from the route table and the zod schemas:
 * `openapi.json` (the HTTP contract alone) and `reference.openapi.json` (what the reference backend serves).
 *   node scripts/openapi.mjs           write both
 *   node scripts/openapi.mjs --check   fail if either is out of date, or if Redocly CLI (`lint`) or Spectral
 *                                      (spectral:oas and the OWASP ruleset, waivers in .spectral.yaml) finds anything
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const documents = [
  { file: 'openapi.json', module: 'src/contract/openapi.ts', build: 'buildOpenApiDocument' },
  { file: 'reference.openapi.json', module: 'src/reference/openapi.ts', build: 'buildReferenceOpenApiDocument' },
];

let stale = false;
for (const document of documents) {
  const target = fileURLToPath(new URL(`../${document.file}`, import.meta.url));
  // Vite's module runner loads the TypeScript source as is: no build step, no extra dependency.
  const { module } = await runnerImport(fileURLToPath(new URL(`../${document.module}`, import.meta.url)), {
    root,
    configFile: false,
    logLevel: 'silent',
  });
  const text = await format(JSON.stringify(module[document.build](), null, 2), target);
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (JSON.stringify(JSON.parse(current || 'null')) !== JSON.stringify(JSON.parse(text))) {
      console.error(`${document.file} is out of date: run \`node scripts/openapi.mjs\`.`);
      stale = true;
    } else {
      console.log(`${document.file} is up to date.`);
    }
  } else {
    await writeFile(target, text);
    console.log(`Wrote ${target}`);
  }
}
const linted = process.argv.includes('--check') ? lint(documents.map((document) => document.file)) : true;
process.exit(stale || !linted ? 1 : 0);

/** Third-party linters integrators run on the documents: 0 errors from Redocly, no finding at all from Spectral. */
function lint(files) {
  const tools = [
    ['redocly', ['lint', ...files, '--format=stylish']],
    ['spectral', ['lint', ...files, '--ruleset', '.spectral.yaml', '--fail-severity=hint', '--format=text']],
  ];
  let clean = true;
  for (const [tool, args] of tools) {
    const result = spawnSync(fileURLToPath(new URL(`../node_modules/.bin/${tool}`, import.meta.url)), args, {
      cwd: root,
      encoding: 'utf8',
      // Offline and quiet: no telemetry, no update check.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const output = `${result.stdout}${result.stderr}`.replace(/\n\s*╔[\s\S]*╝\n?/, '\n').trim();
    console.log(`${tool} ${args.join(' ')}\n${output}`);
    if (result.status !== 0) {
      console.error(`${tool} found problems in ${files.join(', ')} (exit ${result.status}).`);
      clean = false;
    }
  }
  return clean;
}

/** Formats like the repository's Prettier would, so `prettier --check` passes; plain JSON without it. */
async function format(json, target) {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(target)) ?? {};
    return await prettier.format(json, { ...options, parser: 'json', filepath: target });
  } catch {
    return `${json}\n`;
  }
}
