// The service as the package ships it (bin/ + dist/service/), built from the source into `folder`, which must
// lie inside this repository so that the built modules resolve pino, pg, jose… from its node_modules.
// The service tests and `npm run bench:server` run `node <folder>/bin/ipos-credential-elements.mjs serve`.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');

/** @returns {Promise<string>} the path of the bin to run with node */
export async function buildServicePackage(folder) {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  cpSync(join(root, 'bin'), join(folder, 'bin'), { recursive: true });
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: join(root, 'src/service/cli.ts'),
      outDir: join(folder, 'dist/service'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'cli.js' } },
    },
  });
  return join(folder, 'bin/ipos-credential-elements.mjs');
}
