/**
 * The third stage: where a request comes from. CORS for the host's allowed origins (and their preflight), and
 * CSRF refusal of state-changing requests a browser says come from another site.
 */
import { Problem, type Answer } from './answer.js';

const CORS_ALLOWED_HEADERS = 'Content-Type, Idempotency-Key, Authorization, X-Requested-With';

/** CORS headers for an allowed foreign origin; none for anyone else (the browser then blocks the read). */
export function corsHeaders(request: Request, allowedOrigins: ReadonlySet<string>): Record<string, string> {
  const origin = request.headers.get('Origin');
  if (origin === null || !allowedOrigins.has(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** The answer to a CORS preflight: 204 for an allowed origin, 403 for any other. */
export function preflightAnswer(request: Request, methods: string[], allowedOrigins: ReadonlySet<string>): Answer {
  const origin = request.headers.get('Origin');
  if (origin === null || !allowedOrigins.has(origin)) {
    throw new Problem(
      403,
      'CROSS_ORIGIN_REFUSED',
      'Cross-origin requests are allowed only from the configured origins.',
    );
  }
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': methods.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    },
  };
}

/** Refuses a state-changing request from another site (see `crossSiteProblem`). */
export function refuseCrossSite(request: Request, allowedOrigins: ReadonlySet<string>): void {
  const problem = crossSiteProblem(request, allowedOrigins);
  if (problem) throw problem;
}

/**
 * CSRF: why a state-changing request is refused when a browser says it comes from another site — an
 * `Origin` neither this host nor allowed (an opaque `Origin: null` included), or `Sec-Fetch-Site:
 * cross-site`/`same-site` without an allowed `Origin`. Non-browser clients send neither header and pass.
 */
export function crossSiteProblem(request: Request, allowedOrigins: ReadonlySet<string>): Problem | null {
  const origin = request.headers.get('Origin');
  const site = request.headers.get('Sec-Fetch-Site');
  if (origin !== null && allowedOrigins.has(origin)) return null;
  const refused = 'State-changing requests from another origin are refused.';
  if (site === 'cross-site' || site === 'same-site') return new Problem(403, 'CROSS_ORIGIN_REFUSED', refused);
  if (origin === null) return null;
  // Scheme, host and port, all three: https://host is another origin than http://host, and host:8443 than host.
  const own = ownOrigin(request);
  if (originOf(origin) === own) return null;
  return new Problem(
    403,
    'CROSS_ORIGIN_REFUSED',
    `${refused} Origin ${JSON.stringify(origin.slice(0, 100))} is not this server's ${own}: list it in allowedOrigins, or, behind a proxy, pass the browser's Host with its port (nginx: proxy_set_header Host $http_host), X-Forwarded-Proto, and name the proxy in trustedProxies.`,
  );
}

/** The origin the browser addressed: the request's scheme, and the `Host` it sent (the URL's host without one). */
function ownOrigin(request: Request): string {
  const url = new URL(request.url);
  return originOf(`${url.protocol}//${request.headers.get('Host') ?? url.host}`) ?? url.origin;
}

function originOf(text: string): string | null {
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
}
