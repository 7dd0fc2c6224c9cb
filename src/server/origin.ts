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
  const foreign = site === 'cross-site' || site === 'same-site' || (origin !== null && !sameHost(origin, request));
  return foreign
    ? new Problem(403, 'CROSS_ORIGIN_REFUSED', 'State-changing requests from another origin are refused.')
    : null;
}

function sameHost(origin: string, request: Request): boolean {
  try {
    return new URL(origin).host === (request.headers.get('Host') ?? new URL(request.url).host);
  } catch {
    return false;
  }
}
