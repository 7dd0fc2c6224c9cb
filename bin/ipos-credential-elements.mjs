#!/usr/bin/env node
// `npx ipos-credential-elements <command>`:
//   verify <base-url> [--header "Name: value"]…   checks a backend against the HTTP contract (exit 1 on a failure)
//   keys [--json]                                  prints a new data key and RS256 signing key for the server
//   serve [--flag value]…                          runs the credentials service (`serve --help` lists the settings)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: ipos-credential-elements verify <base-url> [--header "Name: value"]…
       ipos-credential-elements keys [--json]
       ipos-credential-elements serve [--flag value]…   (serve --help lists the settings)`;

const [command, ...args] = process.argv.slice(2);
const commands = { verify, keys: service('keys'), serve: service('serve') };
if (!Object.hasOwn(commands, command ?? '')) {
  console.error(USAGE);
  process.exit(2);
}
process.exit(await commands[command](args));

/** `keys` and `serve` run the built service module (dist/service/, in the published package). */
function service(name) {
  return async (argv) => {
    const built = new URL('../dist/service/cli.js', import.meta.url);
    if (!existsSync(fileURLToPath(built))) {
      console.error(
        `ipos-credential-elements ${name}: dist/service/ is missing; in a source checkout run npm run build.`,
      );
      return 2;
    }
    return (await import(built.href))[name](argv);
  };
}

/**
 * The built runner (the published package), or the TypeScript source through Vite in this repository
 * (always with IPOS_VERIFY_FROM_SOURCE=1, as the tests run it, so that a stale dist/ is never tested).
 */
async function loadVerifyRunner() {
  const built = new URL('../dist/server/verify.js', import.meta.url);
  if (!process.env.IPOS_VERIFY_FROM_SOURCE && existsSync(fileURLToPath(built))) return import(built.href);
  const { runnerImport } = await import('vite');
  const source = fileURLToPath(new URL('../src/server/verify.ts', import.meta.url));
  return (await runnerImport(source, { configFile: false, logLevel: 'error' })).module;
}

async function verify(argv) {
  let runner;
  try {
    runner = await loadVerifyRunner();
  } catch (error) {
    // The contract's checks run on zod, a peer dependency: say so rather than print a stack trace.
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(error.message)?.[1];
    if (missing !== 'zod' && !missing?.startsWith('zod/')) throw error;
    console.error('ipos-credential-elements verify needs the package zod: npm install zod');
    return 2;
  }
  const { verifyBackend, formatResults, parseVerifyArguments } = runner;
  let options;
  try {
    options = parseVerifyArguments(argv);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const results = await verifyBackend(options);
  console.log(formatResults(results));
  return results.some((result) => result.status === 'fail') ? 1 : 0;
}
