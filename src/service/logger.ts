/**
 * JSON log lines (pino) carrying the request id of the request they belong to. What is logged is chosen
 * field by field — method, path, operation, status, time, account id — never a header, a body, a token or
 * a key; the redaction list is a second guard for fields that must never appear.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** What is known about the request being answered, for its log lines and metrics. */
export interface RequestScope {
  readonly requestId: string;
  accountId?: string;
  errorCode?: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/**
 * Lines go to stdout synchronously, as Node itself writes to a pipe: each lands before the next is logged, and
 * none is left behind when the process exits. (pino's default writes from the thread pool, and at exit flushes
 * what waits behind the write in flight — a request's line could land after "stopped", or never.)
 */
const stdout = () => pino.destination({ dest: 1, sync: true });

export function serviceLogger(level: LogLevel, destination: DestinationStream = stdout()): Logger {
  return pino(
    {
      level,
      base: { service: 'ipos-credentials' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['headers', 'authorization', 'cookie', 'token', 'secretKey', 'privateKey', 'password', '*.headers'],
        censor: '[redacted]',
      },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    destination,
  );
}

export type { Logger };
