/**
 * The standalone credentials service: the server kit behind `node:http`, with the caller's identity from
 * the portal's proof, `/healthz`, `/readyz`, `/metrics`, a JSON log line per request, and a graceful stop.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCredentialsServer, nodeListener, type FetchHandler, type RequestContext } from '../server/index.js';
import type { ServiceConfig } from './config.js';
import { describeDatabase, openDatabase, type ServiceDatabase } from './database.js';
import type { Caller, IdentityReader } from './identity/identity.js';
import { jwtIdentity } from './identity/jwt.js';
import { signedHeadersIdentity } from './identity/signed-headers.js';
import { requestScope, type Logger, type RequestScope } from './logger.js';
import { serviceMetrics } from './metrics.js';
import { operationNamer } from './operations.js';
import { portalTerminals } from './terminals.js';

export interface RunningService {
  /** `http://host:port`, the port as bound (useful with port 0). */
  readonly url: string;
  /** Set when `/metrics` has a port of its own. */
  readonly metricsUrl?: string;
  /** Stops accepting, lets requests in flight finish up to the deadline, closes the database. */
  stop(): Promise<void>;
}

/** A request id from the proxy (nginx's `$request_id`) is kept when it is plainly an id; else one is made. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export async function startService(config: ServiceConfig, logger: Logger): Promise<RunningService> {
  let onPoolError = (_error: Error) => {};
  const database = await openDatabase(config.database, (error) => onPoolError(error));
  const metrics = serviceMetrics(database.poolUse);
  onPoolError = (error) => {
    metrics.poolError();
    logger.warn({ reason: error.message }, 'database connection lost');
  };

  const identity: IdentityReader =
    config.identity.kind === 'jwt'
      ? jwtIdentity(config.identity)
      : signedHeadersIdentity(config.identity, database.store);
  const callers = new WeakMap<Request, Caller>();
  const portal =
    config.terminalsUrl && portalTerminals(config.terminalsUrl, (message, detail) => logger.warn(detail, message));

  const credentials = await closingOnFailure(database, async () => {
    const server = createCredentialsServer({
      store: database.store,
      dataKeys: config.dataKeys,
      signingKey: config.signingKey,
      allowedOrigins: config.allowedOrigins,
      rateLimits: config.rateLimits,
      basePath: config.basePath,
      async resolveAccount(request) {
        const caller = await identity(request);
        callers.set(request, caller);
        const scope = requestScope.getStore();
        if (scope) scope.accountId = caller.account.accountId;
        return caller.account;
      },
      listTerminals: (account, request) => (portal ? portal(account) : (callers.get(request)?.terminals ?? [])),
      logError: (message) => logger.error(message),
    });
    // The keys are loaded and imported now, so a start that succeeded can seal and sign (readiness reports it).
    await server.ready();
    return server;
  });

  const operationOf = operationNamer(credentials.basePath);
  const handler: FetchHandler = {
    basePath: credentials.basePath,
    maxBodyBytes: credentials.maxBodyBytes,
    async handle(request: Request, context?: RequestContext) {
      const response = await credentials.handle(request, context);
      const scope = requestScope.getStore();
      if (scope && response.status >= 400) {
        scope.errorCode = (
          (await response
            .clone()
            .json()
            .catch(() => ({}))) as { errorCode?: string }
        ).errorCode;
      }
      return response;
    },
  };
  const contract = await closingOnFailure(database, () =>
    nodeListener(handler, { trustedProxies: config.trustedProxies }),
  );

  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  async function readiness(): Promise<{ ready: boolean; reason?: string }> {
    if (stopping) return { ready: false, reason: 'stopping' };
    const reason = await database.notReady();
    return reason === null ? { ready: true } : { ready: false, reason };
  }

  function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
    res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  }

  const json = (res: ServerResponse, status: number, body: object) =>
    answer(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

  async function serveMetrics(res: ServerResponse): Promise<void> {
    answer(res, 200, metrics.contentType, await metrics.text());
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const pathname = (req.url ?? '/').split('?')[0] as string;
    if (pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      void readiness().then(({ ready, reason }) =>
        json(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'not-ready', reason }),
      );
      return;
    }
    if (pathname === '/metrics' && config.metricsPort === undefined) return void serveMetrics(res);

    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && REQUEST_ID_PATTERN.test(incomingId) ? incomingId : randomUUID();
    const scope: RequestScope = { requestId };
    const started = process.hrtime.bigint();
    const operation = operationOf(req.method ?? 'GET', pathname);
    res.setHeader('X-Request-Id', requestId);
    if (stopping) res.setHeader('Connection', 'close');
    inFlight++;
    res.once('close', () => {
      inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.answered(operation, status, seconds, scope.errorCode);
      requestScope.run(scope, () =>
        logger.info(
          {
            method: req.method,
            path: pathname,
            operation,
            status,
            ms: Math.round(seconds * 10_000) / 10,
            ...(scope.accountId === undefined ? {} : { accountId: scope.accountId }),
            ...(scope.errorCode === undefined ? {} : { errorCode: scope.errorCode }),
          },
          'request',
        ),
      );
      if (stopping) {
        server.closeIdleConnections();
        if (inFlight === 0) drained?.();
      }
    });
    requestScope.run(scope, () => contract(req, res));
  }

  const server = createServer(onRequest);
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : createServer((req, res) =>
          (req.url ?? '/').split('?')[0] === '/metrics'
            ? void serveMetrics(res)
            : json(res, 404, { status: 'not found' }),
        );
  const url = await closingOnFailure(database, () => listen(server, config.host, config.port));
  const metricsUrl =
    metricsServer &&
    (await closingOnFailure(database, () => listen(metricsServer, config.host, config.metricsPort as number)));
  logger.info(
    {
      url,
      ...(metricsUrl ? { metricsUrl } : {}),
      basePath: credentials.basePath || '/',
      database: describeDatabase(config.database),
      identity: config.identity.kind,
    },
    'listening',
  );

  let stopped: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping = true;
    server.close();
    metricsServer?.close();
    // Said once the listening sockets are closed: a client that reads it and connects is refused, never queued.
    logger.info({ inFlight }, 'stopping: no new connections; finishing requests in flight');
    server.closeIdleConnections();
    if (inFlight > 0) {
      const finished = new Promise<boolean>((resolve) => (drained = () => resolve(true)));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), config.shutdownSeconds * 1000);
      });
      const inTime = await Promise.race([finished, deadline]);
      clearTimeout(timer);
      if (!inTime) logger.warn({ inFlight }, 'stopping: deadline passed; closing the remaining connections');
    }
    server.closeAllConnections();
    metricsServer?.closeAllConnections();
    await database.close();
    logger.info('stopped');
  }

  return { url, metricsUrl, stop: () => (stopped ??= stop()) };
}

/** Runs a start step; when it fails, the database opened for the service is closed before the error goes on. */
async function closingOnFailure<T>(database: ServiceDatabase, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shown}:${address.port}`);
    });
  });
}
