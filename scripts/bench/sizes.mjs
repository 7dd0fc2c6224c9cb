// Bytes a page downloads: the CDN module, and each public entry as a bundler includes it (minified,
// tree-shaken, dependencies bundled, react left out). Shared by `npm run bench` and the `size` step.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Buffer } from 'node:buffer';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../..');

export const compressed = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

/** `vite build --mode cdn` into a temporary directory: the module and its lazily loaded locale chunks. */
export async function cdnSizes() {
  const outDir = mkdtempSync(join(tmpdir(), 'ipos-cdn-'));
  try {
    await build({ root, mode: 'cdn', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const module = compressed(readFileSync(join(outDir, 'ipos-credential-elements.js')));
    const locales = Object.fromEntries(
      readdirSync(join(outDir, 'locales')).map((file) => [
        file.replace(/-[\w-]+\.js$/, ''),
        compressed(readFileSync(join(outDir, 'locales', file))),
      ]),
    );
    return { module, locales };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export const ENTRIES = {
  '.': 'src/index.ts',
  './define': 'src/define.ts',
  './reference': 'src/reference/index.ts',
  './react': 'src/react.ts',
};

/** Bundles one entry in memory, minified with production Lit, as an application's bundler would; its chunks. */
export async function bundleEntry(entry, rollupOptions = {}) {
  const result = await build({
    root,
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry: resolve(root, entry), formats: ['es'], fileName: 'entry' },
      rollupOptions,
    },
  });
  return (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o) => o.type === 'chunk');
}

const isReact = (id) => id === 'react' || id.startsWith('react/') || id === 'react-dom' || id.startsWith('react-dom/');

/** One entry as a bundler includes it: what loads up front (lazy chunks apart), React left out. */
export async function entrySize(entry) {
  const chunks = await bundleEntry(entry, { external: isReact, output: { minify: true, comments: false } });
  const initial = chunks.filter((chunk) => chunk.isEntry);
  const lazy = chunks.filter((chunk) => !chunk.isEntry);
  const sum = (list) => compressed(Buffer.concat(list.map((chunk) => Buffer.from(chunk.code))));
  return { ...sum(initial), lazyChunks: lazy.length, lazyGzip: lazy.length ? sum(lazy).gzip : 0 };
}

export async function entrySizes() {
  const sizes = {};
  for (const [name, entry] of Object.entries(ENTRIES)) sizes[name] = await entrySize(entry);
  return sizes;
}
