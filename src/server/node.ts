/**
 * Node adapters for any Fetch-API handler of this package (the credentials server, the reference
 * backend): a `(req, res)` listener for `http.createServer`, and Connect-style middleware for Express,
 * Connect and Vite that answers under the base path and passes everything else on.
 *
 * @example Node http
 * import { createServer } from 'node:http';
 * createServer(nodeListener(credentialsServer)).listen(8080);
 *
 * @example Express
 * app.use(nodeMiddleware(credentialsServer));
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { canonicalAddress, clientAddress, proxyTrust, type ProxyTrust, type TrustedProxies } from './addresses.js';
import { Problem, answerText, toResponse } from './answer.js';
import { bodyTooLarge } from './parse.js';
import type { RequestContext } from './credentials-server.js';

/** What the adapters need of a handler. */
export interface FetchHandler {
  readonly basePath: string;
  /** Largest accepted body, in bytes: the adapter stops buffering just past it. */
  readonly maxBodyBytes: number;
  handle(request: Request, context?: RequestContext): Promise<Response>;
}

/** Connect's `next`. */
export type NextFunction = (error?: unknown) => void;

export interface NodeAdapterOptions {
  /**
   * The reverse proxies in front of this server, whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed:
   * their addresses or CIDRs (`['10.0.0.0/8']`), or how many proxy hops stand in front (`1`). The client is
   * read right to left past them. Default none: the source is the socket's peer, the scheme `https` only on TLS.
   */
  trustedProxies?: TrustedProxies;
  /** @deprecated Read as `trustedProxies: 1` (one proxy hop); name the proxies with `trustedProxies` instead. */
  trustProxy?: boolean;
  /**
   * How long a request's body may take to arrive once its headers have, in ms; default 10,000. Slower bodies are
   * answered 408 and their connection closed, so that no client can hold a request open by trickling.
   */
  bodyTimeoutMs?: number;
}

/** The adapter's options, checked once when it is made. */
export interface AdapterSettings {
  trust: ProxyTrust;
  bodyTimeoutMs: number;
}

const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Checks the adapter's options; throws an error naming the option at fault. */
export function adapterSettings(options: NodeAdapterOptions = {}): AdapterSettings {
  if (options.trustProxy !== undefined && options.trustedProxies !== undefined) {
    throw new Error(
      'trustProxy: give trustedProxies alone (trustProxy: true is the old spelling of trustedProxies: 1).',
    );
  }
  if (options.trustProxy !== undefined && typeof options.trustProxy !== 'boolean') {
    throw new Error('trustProxy: true or false; better, name the proxies with trustedProxies.');
  }
  const trusted = options.trustedProxies ?? (options.trustProxy ? 1 : []);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isInteger(bodyTimeoutMs) || bodyTimeoutMs < 1 || bodyTimeoutMs > 300_000) {
    throw new Error(`bodyTimeoutMs: a whole number of milliseconds from 1 to 300000; got ${bodyTimeoutMs}.`);
  }
  return { trust: proxyTrust(trusted), bodyTimeoutMs };
}

const DEFAULT_SETTINGS = adapterSettings();

/** Connect-style middleware (Express, Connect, Vite) answering under `handler.basePath`. */
export function nodeMiddleware(
  handler: FetchHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  const settings = adapterSettings(options);
  let toldOfConsumedBody = false;
  return (req, res, next) => {
    // `originalUrl`: Connect strips a mount path from `req.url`, the server routes on the full path.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (!isUnderBasePath(url, handler.basePath)) return next();
    if (bodyAlreadyRead(req)) {
      // Acting on an empty body would lose what the client sent (a grace window, a TPN): refuse, and say why.
      if (!toldOfConsumedBody) {
        toldOfConsumedBody = true;
        console.error(
          `ipos-credentials: a body parser mounted before nodeMiddleware() read the request body of ${req.method} ${url.split('?')[0]}; mount nodeMiddleware() before express.json() (or mount the parser on your own routes only) — answered 500 until then.`,
        );
      }
      const problem = new Problem(500, 'INTERNAL_ERROR', 'The credentials server was mounted after a body parser.');
      return void writeResponse(toResponse(problem.toAnswer()), res).catch(next);
    }
    answerNodeRequest(handler, req, url, settings)
      .then((response) => writeResponse(response, res))
      .catch(next);
  };
}

/** A listener for `http.createServer`: answers every request (404 outside the base path). */
export function nodeListener(
  handler: FetchHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const settings = adapterSettings(options);
  return (req, res) => {
    answerNodeRequest(handler, req, req.url ?? '/', settings)
      .then((response) => writeResponse(response, res))
      .catch(() => {
        // Nothing more can be said on an answer already under way; otherwise a Problem like every other answer.
        if (res.headersSent) return void res.destroy();
        const problem = new Problem(500, 'INTERNAL_ERROR', 'The request could not be answered.');
        writeResponse(toResponse(problem.toAnswer()), res).catch(() => res.destroy());
      });
  };
}

export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  // The server's own answers are written from their JSON text, without a stream to read it back through.
  res.end(answerText(response) ?? new Uint8Array(await response.arrayBuffer()));
}

/** Whether middleware before this one consumed a declared body (body-parser sets `req.body` or `_body`; the stream ended). */
function bodyAlreadyRead(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length']) > 0 || req.headers['transfer-encoding'] !== undefined;
  const parsed = req as { body?: unknown; _body?: unknown };
  return declared && (parsed._body === true || parsed.body !== undefined || req.readableEnded);
}

export function isUnderBasePath(url: string, basePath: string): boolean {
  const path = url.split('?')[0] ?? '';
  return basePath === '' || path === basePath || path.startsWith(`${basePath}/`);
}

/**
 * Headers Node has already acted on, which a `Request` must not carry over. `Content-Length` stays: it is how the
 * server refuses a declared body over its limit before reading any of it.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);
/** A `Host` header as browsers send it: a name or address, and a port. */
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The Fetch `Request` for a Node request, with its body capped just past the handler's limit. */
export async function answerNodeRequest(
  handler: FetchHandler,
  req: IncomingMessage,
  url: string,
  settings: AdapterSettings = DEFAULT_SETTINGS,
): Promise<Response> {
  const method = req.method ?? 'GET';
  // A Fetch `Request` of these methods has no body; theirs is still read under the same cap and timeout, then dropped.
  const bodyless = method === 'GET' || method === 'HEAD';
  const host = req.headers.host;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const peer = req.socket.remoteAddress;
  // The scheme the nearest proxy saw (its own header is the right-most), and only from a proxy of the host's.
  const peerAddress = canonicalAddress(peer);
  const fromProxy = peerAddress !== null && settings.trust(peerAddress, 0);
  const forwardedProto = fromProxy ? headerValue(req.headers['x-forwarded-proto']).split(',').at(-1)?.trim() : '';
  const scheme = forwardedProto === 'https' || encrypted ? 'https' : 'http';
  // The Host header names the origin the browser thinks it talks to: what same-origin checks compare with.
  const origin = `${scheme}://${host && HOST_PATTERN.test(host) ? host : 'localhost'}`;
  // Node passes on targets no URL parser accepts (`http://[x`, a port of 99999): the client's error, said as one.
  if (!URL.canParse(url, origin)) {
    return closing(toResponse(new Problem(400, 'INVALID_REQUEST', 'The request target is not a URL.').toAnswer()));
  }
  const body = await readBody(req, handler.maxBodyBytes, settings.bodyTimeoutMs);
  if (body.timedOut) {
    const problem = new Problem(408, 'REQUEST_TIMEOUT', 'The body took too long to arrive; send it again.');
    return closing(toResponse(problem.toAnswer()));
  }
  if (bodyless && !body.complete) return closing(toResponse(bodyTooLarge(handler.maxBodyBytes).toAnswer()));
  const request = new Request(new URL(url, origin), {
    method,
    headers: requestHeaders(req.headers),
    // A whole body that is empty is no body: nothing to stream to the handler, nothing for it to read.
    body: bodyless || (body.complete && body.bytes.byteLength === 0) ? undefined : body.bytes,
  });
  const source = clientAddress(peer, headerValue(req.headers['x-forwarded-for']), settings.trust);
  const response = await handler.handle(request, { sourceAddress: source ?? undefined });
  // A body left unread (over the limit) cannot be skipped on a kept-alive connection: this answer ends it.
  return body.complete ? response : closing(response);
}

/** The response with `Connection: close`: Node ends the connection once it is written. */
function closing(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Connection', 'close');
  return new Response(response.body, { status: response.status, headers });
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function requestHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** What `readBody` read: the bytes, whether that was all of the body, or whether time ran out first. */
interface ReadBody {
  bytes: Uint8Array<ArrayBuffer>;
  complete: boolean;
  timedOut: boolean;
}

/**
 * The body, up to one byte past `maxBytes` (enough for the server to see it is too large) and no further: a
 * declared length over `maxBytes` is not read at all, a longer stream stops being read there, and a body that
 * has not arrived within `timeoutMs` stops being waited for.
 */
function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<ReadBody> {
  const limit = maxBytes + 1;
  const declared = Number(req.headers['content-length']);
  const empty = new Uint8Array(0);
  if (declared > maxBytes) return Promise.resolve({ bytes: empty, complete: false, timedOut: false });
  if (req.readableEnded) return Promise.resolve({ bytes: empty, complete: true, timedOut: false });
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let kept = 0;
    const finish = (complete: boolean, timedOut: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onEnd).off('close', onEnd);
      if (!complete) req.pause();
      const bytes = new Uint8Array(kept);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve({ bytes, complete, timedOut });
    };
    const onData = (chunk: Uint8Array) => {
      const piece = chunk.subarray(0, limit - kept);
      chunks.push(piece);
      kept += piece.byteLength;
      if (kept >= limit) finish(false, false);
    };
    const onEnd = () => finish(true, false);
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    req.on('data', onData).once('end', onEnd).once('error', onEnd).once('close', onEnd);
  });
}
