/** Time for the credentials server: injectable, so tests can jump past token expiry and grace. */

/** Anything that tells the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs with `base` shifted by a settable offset.
 *
 * @example
 * const clock = new OffsetClock();
 * clock.advance(24 * 60 * 60_000); // a day later: tokens expired, still in grace for 15 minutes
 */
export class OffsetClock implements Clock {
  /** Milliseconds added to `base.now()`. */
  offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  /** Moves time forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Forgets every `advance`. */
  reset(): void {
    this.offsetMs = 0;
  }
}
