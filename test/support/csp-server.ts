/**
 * The demo built by Vite and served as a hostile host would: a strict Content-Security-Policy (no
 * inline script or style, no eval) with Trusted Types enforced, plus the reference backend under
 * /api/ipos and a `report-uri` endpoint that records every violation the browser reports. The page
 * also loads a probe first (`window.__violations`): every engine's driver can read it, WebDriver
 * classic included, which has no way to run a script before the page's own.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { createReferenceServer } from '../../src/reference/index.js';
import { referenceMiddleware } from '../../src/reference/node.js';

/** Only what the page's own origin serves; Trusted Types enforced with the one policy Lit makes. */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
  'report-uri /csp-report',
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface CspDemo {
  url: string;
  /** Bodies POSTed to the report-uri. */
  reports: unknown[];
  close(): Promise<void>;
}

/** Builds the demo (index.html + demo/demo.ts) into a temporary folder and serves it under the strict CSP. */
export async function serveDemoUnderStrictCsp(root: string): Promise<CspDemo> {
  const outDir = await mkdtemp(join(tmpdir(), 'ipos-csp-demo-'));
  await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
  });
  await addViolationProbe(outDir);
  const reference = referenceMiddleware(createReferenceServer());
  const reports: unknown[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/csp-report') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        reports.push(body ? JSON.parse(body) : null);
        res.statusCode = 204;
        res.end();
      });
      return;
    }
    reference(req, res, () => {
      const file = normalize(join(outDir, path === '/' ? 'index.html' : path));
      if (!file.startsWith(outDir)) {
        res.statusCode = 404;
        return res.end();
      }
      readFile(file).then(
        (content) => {
          res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
          res.setHeader('Content-Security-Policy', STRICT_CSP);
          res.end(content);
        },
        () => {
          res.statusCode = 404;
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reports,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** The page's first script, same-origin as the policy wants: records what the page sees violated. */
const VIOLATION_PROBE = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) =>
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sample));
`;

async function addViolationProbe(outDir: string): Promise<void> {
  await writeFile(join(outDir, 'violation-probe.js'), VIOLATION_PROBE);
  const page = join(outDir, 'index.html');
  const html = await readFile(page, 'utf8');
  await writeFile(page, html.replace('<head>', '<head>\n    <script src="/violation-probe.js"></script>'));
}
