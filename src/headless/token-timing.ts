/** When an Auth Token is usable, due for refresh, refreshable only, or dead; and a timer for far-off moments. */
import type { AuthToken } from '../contract/bodies.js';

/**
 * - `fresh`: valid and not yet within `refreshBefore` of expiry;
 * - `due`: still valid, but within `refreshBefore` of expiry;
 * - `grace`: expired, yet the backend still refreshes it (iPOSpays: 15 minutes);
 * - `over`: past grace; only a newly generated token helps.
 */
export type TokenPhase = 'fresh' | 'due' | 'grace' | 'over';

export function tokenPhase(token: AuthToken, nowMs: number, refreshBeforeMs: number): TokenPhase {
  const expiresAt = Date.parse(token.expiresAt);
  if (nowMs >= Date.parse(token.graceEndsAt)) return 'over';
  if (nowMs >= expiresAt) return 'grace';
  return nowMs >= refreshDueAt(token, refreshBeforeMs) ? 'due' : 'fresh';
}

/**
 * When a token becomes due for refresh: `refreshBefore` before expiry, but never before half its lifetime
 * (`issuedAt` to `expiresAt`, both by the backend's clock) has passed. So a `refreshBefore` as long as the
 * lifetime or longer refreshes each token once, at half its life — not at once, and not in a loop.
 */
export function refreshDueAt(token: AuthToken, refreshBeforeMs: number): number {
  const issuedAt = Date.parse(token.issuedAt);
  const expiresAt = Date.parse(token.expiresAt);
  const halfLife = issuedAt + Math.max(0, expiresAt - issuedAt) / 2;
  return Math.max(expiresAt - refreshBeforeMs, halfLife);
}

/** True when `candidate` was issued before `current` (so adopting it would go back in time). */
export function isOlderToken(candidate: AuthToken, current: AuthToken | undefined): boolean {
  if (!current) return false;
  const issued = Date.parse(candidate.issuedAt) - Date.parse(current.issuedAt);
  return issued < 0 || (issued === 0 && Date.parse(candidate.expiresAt) < Date.parse(current.expiresAt));
}

/** `setTimeout`'s longest delay: a longer one overflows and fires at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** One pending callback at an absolute time; setting it again replaces the previous one. */
export class Alarm {
  private handle?: ReturnType<typeof setTimeout>;

  constructor(private readonly now: () => number) {}

  /** Calls `callback` at `atMs` (epoch ms; at once when already past). */
  set(atMs: number, callback: () => void): void {
    this.cancel();
    const delay = Math.max(0, atMs - this.now());
    const step = Math.min(delay, MAX_TIMER_DELAY_MS);
    this.handle = globalThis.setTimeout(() => {
      this.handle = undefined;
      // A delay beyond the maximum is waited for in steps.
      if (step < delay) this.set(atMs, callback);
      else callback();
    }, step);
    // In Node a token's timers must not keep the host process alive on their own.
    (this.handle as { unref?: () => void }).unref?.();
  }

  cancel(): void {
    if (this.handle !== undefined) globalThis.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
