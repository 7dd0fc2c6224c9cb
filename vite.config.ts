import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';
import { minifyTemplates } from './scripts/bench/minify-templates.mjs';
import { demoPersistence } from './scripts/demo-persistence.js';
import { referenceVitePlugin } from './src/reference/node.js';

const root = import.meta.dirname;
const dependencies = [
  'lit',
  '@lit/context',
  '@lit/task',
  '@lit/react',
  'react',
  'vue',
  'zod',
  'jose',
  'pg',
  '@electric-sql/pglite',
  '@lit-labs/ssr',
  '@lit-labs/ssr-client',
  'pino',
  'prom-client',
];
/** CDN chunks: the catalogues of other languages under `locales/`, the views and their English wording under `chunks/`. */
const cdnChunkFileName = (chunk: { facadeModuleId: string | null }) =>
  /\/src\/i18n\/[a-z]{2}\.ts$/.test(chunk.facadeModuleId ?? '')
    ? 'locales/[name]-[hash].js'
    : 'chunks/[name]-[hash].js';

const isDependency = (id: string) =>
  id.startsWith('node:') || dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * `npm start`: the demo (index.html) with the reference backend mounted under /api/ipos, its keys in
 * PGlite under .ipos-demo-data/ (`npm start -- --memory`: in memory). The reference mount answers before
 * Vite's CORS middleware and refuses state-changing requests from other origins.
 * `vite build`: the library entry points for bundlers (dependencies stay imports).
 * `vite build --mode cdn`: one ES module for a plain <script type="module">, plus the non-English
 * catalogues (`locales/`) and the views of the token generator and activity trail (`chunks/`) beside it,
 * fetched only by pages that show them.
 */
export default defineConfig(async ({ mode, command }): Promise<UserConfig> => ({
  plugins: [
    referenceVitePlugin({ basePath: '/api/ipos', ...(command === 'serve' ? await demoPersistence(root) : {}) }),
    // Shipped builds (CDN and the library in dist/) carry the templates' text minified; the dev server keeps it as written.
    ...(command === 'build' ? [minifyTemplates()] : []),
  ],
  // No CORS for other origins: a page on another port must not read the demo's secret.
  server: { port: 5173, cors: false },
  esbuild: { target: 'es2022' },
  build:
    mode === 'cdn'
      ? {
          outDir: 'dist/cdn',
          target: 'es2022',
          lib: {
            entry: resolve(root, 'src/cdn.ts'),
            formats: ['es'],
            fileName: () => 'ipos-credential-elements.js',
          },
          // What every page needs is one module; the non-English catalogues and the views only some screens
          // show (token generator, activity trail) are chunks beside it, loaded on demand.
          // Fully minified (Vite keeps whitespace in ES libraries for bundlers; these files go to browsers as is).
          rollupOptions: {
            // The chunks import what they share with the module from it (hence extra exports), and everything
            // the module reaches statically stays in it: without the group Rolldown moves what the module and
            // both views share into a third file that every page would then fetch up front.
            preserveEntrySignatures: 'allow-extension',
            output: {
              chunkFileNames: cdnChunkFileName,
              codeSplitting: { groups: [{ name: 'ipos-credential-elements', tags: ['$initial'] }] },
              minify: true,
              comments: false,
            },
          },
        }
      : {
          outDir: 'dist',
          target: 'es2022',
          minify: false,
          lib: {
            entry: {
              index: resolve(root, 'src/index.ts'),
              define: resolve(root, 'src/define.ts'),
              hydrate: resolve(root, 'src/hydrate.ts'),
              'reference/index': resolve(root, 'src/reference/index.ts'),
              'reference/node': resolve(root, 'src/reference/node.ts'),
              'server/index': resolve(root, 'src/server/index.ts'),
              'server/verify': resolve(root, 'src/server/verify.ts'),
              // `npx ipos-credential-elements serve | keys` (the bin imports it; not a package export).
              'service/cli': resolve(root, 'src/service/cli.ts'),
              'ssr/index': resolve(root, 'src/ssr/index.ts'),
              react: resolve(root, 'src/react.ts'),
              vue: resolve(root, 'src/vue.ts'),
            },
            formats: ['es'],
          },
          rollupOptions: {
            external: isDependency,
            // One module per source file so that bundlers tree-shake what a host does not import.
            output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
          },
        },
}));
