/**
 * A portal page rendered on the server: the credentials screen of the signed-in account, read through the
 * server kit's own handler (same session, same checks as the browser's requests), rendered with
 * `renderCredentialsScreen`, and hydrated by the page's module with no request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createCredentialsServer,
  memoryStore,
  nodeMiddleware,
  type CredentialsServer,
  type ServerAccount,
} from 'ipos-credential-elements/server';
import { renderCredentialsScreen, type UserRole } from 'ipos-credential-elements/ssr';

/** The portal's own sign-in, reduced to a cookie naming one of two demo accounts. */
const ACCOUNTS: Record<string, ServerAccount> = {
  merchant: { accountId: 'merchant-1', role: 'merchant', name: 'Demo merchant' },
  iso: { accountId: 'iso-1', role: 'iso', name: 'Demo ISO' },
};

function signedIn(cookie: string | null): ServerAccount | null {
  const name = /(?:^|;\s*)portal-account=(\w+)/.exec(cookie ?? '')?.[1];
  return (name && ACCOUNTS[name]) || null;
}

export interface SsrAppOptions {
  /** The URL of the page's module (hydration support, then the elements). */
  clientScript: string;
}

export function createSsrApp({ clientScript }: SsrAppOptions) {
  const credentials = createCredentialsServer({
    resolveAccount: (request) => signedIn(request.headers.get('Cookie')),
    listTerminals: (account) =>
      account.role === 'merchant'
        ? [
            { tpn: '139322815010', label: 'Front desk' },
            { tpn: '139322815011', label: 'Patio' },
          ]
        : [],
    store: memoryStore(),
  });
  const api = nodeMiddleware(credentials);

  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    api(req, res, () => {
      const url = new URL(req.url ?? '/', 'http://portal.invalid');
      if (url.pathname !== '/') return next();
      page(credentials, req, url, clientScript).then(
        ({ status, html, cookie }) => {
          res.writeHead(status, {
            'Content-Type': 'text/html; charset=utf-8',
            'Cache-Control': 'no-store',
            ...(cookie && { 'Set-Cookie': cookie }),
          });
          res.end(html);
        },
        (error: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(error.message);
        },
      );
    });
  };
}

/** `/?as=merchant&lang=fr`: signs in as that demo account (a cookie) and renders its screen. */
async function page(credentials: CredentialsServer, req: IncomingMessage, url: URL, clientScript: string) {
  const as = url.searchParams.get('as');
  const cookie = as && ACCOUNTS[as] ? `portal-account=${as}; Path=/; HttpOnly; SameSite=Lax` : undefined;
  const session = cookie?.split(';')[0] ?? req.headers.cookie ?? '';
  const account = signedIn(session);
  if (!account)
    return { status: 401, html: '<p>Sign in: <a href="/?as=merchant">merchant</a> · <a href="/?as=iso">ISO</a></p>' };
  // Goes into the page's HTML as it is: only a plain language tag.
  const lang = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(url.searchParams.get('lang') ?? '')
    ? url.searchParams.get('lang')!
    : 'en';
  // The same requests the elements would make, answered by the same handler with the page's session.
  const read = async (path: string) => {
    const response = await credentials.handle(
      new Request(new URL(`${credentials.basePath}${path}`, url), { headers: { Cookie: session } }),
    );
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return response.json();
  };
  const role = account.role as UserRole;
  const screen = await renderCredentialsScreen({
    role,
    lang,
    apiBase: credentials.basePath,
    credentials: await read('/credentials'),
    terminals: role === 'merchant' ? (await read('/terminals')).terminals : undefined,
    activity: await read('/credentials/activity?limit=20'),
  });
  const html = `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API credentials</title>
    <script type="module" src="${clientScript}"></script>
  </head>
  <body>
    <main>${screen}</main>
  </body>
</html>`;
  return { status: 200, html, cookie };
}
