/**
 * Data a host preloads into the page so the first render shows the keys with no request: checked with
 * the same guards as an answer (unknown fields, such as a secret pasted in by mistake, are dropped).
 */
import { activityPageGuard, credentialsGuard, terminalListGuard, type Guard } from '../contract/guards.js';
import type { ActivityPage, Credentials, Terminal } from '../contract/bodies.js';

export interface Preload {
  credentials?: Credentials;
  terminals?: Terminal[];
  /** The activity trail's first page (newest events), for a server-rendered screen that makes no request. */
  activity?: ActivityPage;
}

/** The usable parts of a preload; a malformed part is left out with a warning, and loaded as usual. */
export function checkPreload(preload: { credentials?: unknown; terminals?: unknown; activity?: unknown }): Preload {
  const terminals = preload.terminals === undefined ? undefined : { terminals: preload.terminals };
  return {
    credentials: checked('credentials', credentialsGuard, preload.credentials),
    terminals: checked('terminals', terminalListGuard, terminals)?.terminals,
    activity: checked('activity', activityPageGuard, preload.activity),
  };
}

function checked<T>(what: string, guard: Guard<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const result = guard.safeParse(value);
  if (result.success) return result.data;
  warn(what);
}

/** The preload of a `<script type="application/json" data-ipos-initial>` child, for hosts not on Node. */
export function preloadFromScript(host: Element): Preload {
  const script = host.querySelector(':scope > script[type="application/json"][data-ipos-initial]');
  if (!script?.textContent) return {};
  try {
    const json = JSON.parse(script.textContent) as Record<string, unknown> | null;
    return json && typeof json === 'object' ? checkPreload(json) : (warn('script'), {});
  } catch {
    warn('script');
    return {};
  }
}

function warn(what: string): void {
  console.warn(
    `ipos-credential-elements: preloaded ${what} ignored (it does not match the contract); it is loaded instead.`,
  );
}
