/**
 * A merchant's terminals: from the identity itself (a JWT claim), or from a portal URL the service calls
 * with a timeout, sharing one call per account at a time and keeping the answer a short while.
 */
import { terminalListSchema, type Terminal } from '../contract/schemas.js';
import { Problem, type ServerAccount } from '../server/index.js';
import type { PortalTerminalsConfig } from './config.js';

export type TerminalLister = (account: ServerAccount) => Promise<readonly Terminal[]>;

/** Accounts whose answer is kept at once; the oldest is dropped past it. */
const MAX_CACHED_ACCOUNTS = 10_000;

export function portalTerminals(
  config: PortalTerminalsConfig,
  warn: (message: string, detail: object) => void,
  now: () => number = Date.now,
): TerminalLister {
  const cache = new Map<string, { until: number; terminals: Promise<readonly Terminal[]> }>();
  const unavailable = () =>
    new Problem(503, 'TERMINALS_UNAVAILABLE', "The portal did not list this account's terminals; try again.", {
      'Retry-After': '5',
    });

  async function ask(accountId: string): Promise<readonly Terminal[]> {
    const url = config.url.includes('{accountId}')
      ? config.url.replaceAll('{accountId}', encodeURIComponent(accountId))
      : `${config.url}${config.url.includes('?') ? '&' : '?'}accountId=${encodeURIComponent(accountId)}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (config.authorization) headers['Authorization'] = config.authorization;
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(config.timeoutMs) });
    } catch (error) {
      warn('terminals: the portal did not answer', { reason: (error as Error).name });
      throw unavailable();
    }
    const parsed = terminalListSchema.safeParse(response.ok ? await response.json().catch(() => null) : null);
    if (!parsed.success) {
      warn('terminals: the portal answered no terminal list', { status: response.status });
      throw unavailable();
    }
    return parsed.data.terminals;
  }

  return (account) => {
    const time = now();
    const kept = cache.get(account.accountId);
    if (kept && kept.until > time) return kept.terminals;
    const terminals = ask(account.accountId);
    cache.delete(account.accountId);
    cache.set(account.accountId, { until: time + config.cacheSeconds * 1000, terminals });
    // A failure is not kept: the next request asks again.
    terminals.catch(() => {
      if (cache.get(account.accountId)?.terminals === terminals) cache.delete(account.accountId);
    });
    if (cache.size > MAX_CACHED_ACCOUNTS) cache.delete(cache.keys().next().value as string);
    return terminals;
  };
}
