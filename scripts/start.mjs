#!/usr/bin/env node
// `npm start`: the demo (Vite) with the reference backend on the credentials server. Keys live in an
// embedded PGlite database in .ipos-demo-data/ (git-ignored), so they survive a restart;
// `npm start -- --memory` keeps them in memory for a throwaway run. Every other argument goes to Vite
// (`npm start -- --port 5180 --strictPort`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const memory = args.includes('--memory');
const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
const child = spawn(process.execPath, [viteBin, ...args.filter((arg) => arg !== '--memory')], {
  stdio: 'inherit',
  env: { ...process.env, IPOS_DEMO_STORE: memory ? 'memory' : 'pglite' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
