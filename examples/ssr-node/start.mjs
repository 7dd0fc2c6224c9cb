#!/usr/bin/env node
// `node examples/ssr-node/start.mjs`: the example on http://127.0.0.1:5180 (PORT to change it). Vite runs the
// TypeScript and serves the page's module; the package's entries point at this repository's sources. In your
// portal, import the package as app.ts does and bundle client.ts with the rest of your pages' code.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createServer as createVite } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const source = (path) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/** Starts the example (port 0: any free port); resolves once it listens. */
export async function startSsrExample({ port = 5180, host = '127.0.0.1' } = {}) {
  const vite = await createVite({
    root,
    configFile: false,
    appType: 'custom',
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: false, ws: false },
    // Served as they are (no pre-bundling), so the first visit never makes Vite reload the page.
    optimizeDeps: { noDiscovery: true, include: [] },
    resolve: {
      alias: {
        'ipos-credential-elements/define': source('define.ts'),
        'ipos-credential-elements/server': source('server/index.ts'),
        'ipos-credential-elements/ssr': source('ssr/index.ts'),
      },
    },
  });
  const { createSsrApp } = await vite.ssrLoadModule('/examples/ssr-node/app.ts');
  const app = createSsrApp({ clientScript: '/examples/ssr-node/client.ts' });
  const server = createServer((req, res) => app(req, res, () => vite.middlewares(req, res)));
  await new Promise((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${server.address().port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await vite.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startSsrExample({ port: Number(process.env.PORT ?? 5180) });
  console.log(`SSR example: ${url}/?as=merchant (or ?as=iso, &lang=fr)`);
}
