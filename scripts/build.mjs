#!/usr/bin/env node
// `npm run build`: the manifest, the library for bundlers (dist/), its type declarations,
// the self-contained CDN module (dist/cdn/) and the OpenAPI document of the HTTP contract.
import { execSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const steps = [
  'cem analyze',
  'vite build --logLevel warn',
  'vite build --mode cdn --logLevel warn',
  'tsc -p tsconfig.build.json',
  'node scripts/openapi.mjs',
];

rmSync('dist', { recursive: true, force: true });
for (const step of steps) {
  console.log(`> ${step}`);
  execSync(`npx --no-install ${step}`, { stdio: 'inherit' });
}
