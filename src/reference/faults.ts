/** Fault injection for the reference backend: latency, random failures and forced answers per route. */
import * as z from 'zod/mini';

const statusSchema = z.number().check(z.int(), z.minimum(200), z.maximum(599));

/** An answer forced on a route instead of (or after) the real one. */
export const forcedFaultSchema = z.object({
  /** HTTP status to answer with (any, 200 included: pair it with a bad `body` to test validation). */
  status: statusSchema,
  /** Seconds for a `Retry-After` header. */
  retryAfter: z.optional(z.number().check(z.int(), z.minimum(0))),
  /**
   * The body: a string is sent verbatim (so `'{"oops'` is malformed JSON), anything else as JSON.
   * Default: `{ errorCode: 'INJECTED_FAULT', errorMessage }`.
   */
  body: z.optional(z.unknown()),
  /** Answer this many times, then stop forcing (default: every time). */
  times: z.optional(z.number().check(z.int(), z.minimum(1))),
  /** Do the work (and remember it for idempotent replays) but answer with the fault: a lost answer. */
  afterWork: z.optional(z.boolean()),
});

/**
 * Fault settings as the control route takes them. Routes are keyed `'METHOD /path'` (`'POST /tokens'`)
 * or `'/path'` (any method), paths relative to the base path; a bare number is a status.
 */
export const faultSettingsSchema = z.object({
  /** Delay before every answer, in ms. */
  latencyMs: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(60_000))),
  /** Probability (0–1) that a request fails with 503 `INJECTED_FAILURE` before any work. */
  failureRate: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  /** Forced answers by route. */
  forcedStatus: z.optional(z.record(z.string(), z.union([statusSchema, forcedFaultSchema]))),
});

export type ForcedFault = z.infer<typeof forcedFaultSchema>;

export type FaultSettings = z.infer<typeof faultSettingsSchema> & {
  /** Source of randomness for `failureRate` (default `Math.random`); inject one to make tests deterministic. */
  random?: () => number;
};

/**
 * The forced fault for a request, looking at each settings object in turn (most specific first),
 * method-specific keys before bare paths. Counts down and removes faults with `times`.
 */
export function takeForcedFault(
  settings: readonly FaultSettings[],
  method: string,
  path: string,
): ForcedFault | undefined {
  for (const { forcedStatus } of settings) {
    if (!forcedStatus) continue;
    for (const key of [`${method} ${path}`, path]) {
      const entry = forcedStatus[key];
      if (entry === undefined) continue;
      const fault = typeof entry === 'number' ? { status: entry } : entry;
      if (fault.times !== undefined) {
        if (fault.times <= 1) delete forcedStatus[key];
        else forcedStatus[key] = { ...fault, times: fault.times - 1 };
      }
      return fault;
    }
  }
  return undefined;
}

/** Whether `failureRate` strikes this request. */
export function randomFailureStrikes(settings: readonly FaultSettings[]): boolean {
  const rate = settings.find((s) => s.failureRate !== undefined)?.failureRate ?? 0;
  if (rate <= 0) return false;
  const random = settings.find((s) => s.random)?.random ?? Math.random;
  return random() < rate;
}

/** The first `latencyMs` set, most specific first. */
export function latencyOf(settings: readonly FaultSettings[]): number {
  return settings.find((s) => s.latencyMs !== undefined)?.latencyMs ?? 0;
}

/** The HTTP answer a forced fault produces. */
export function faultResponse(fault: ForcedFault, headers: Record<string, string>): Response {
  const responseHeaders = new Headers(headers);
  responseHeaders.set('Content-Type', 'application/json; charset=utf-8');
  if (fault.retryAfter !== undefined) responseHeaders.set('Retry-After', String(fault.retryAfter));
  const body =
    fault.body === undefined
      ? JSON.stringify({
          errorCode: 'INJECTED_FAULT',
          errorMessage: `Fault injected by the reference backend (HTTP ${fault.status}).`,
        })
      : typeof fault.body === 'string'
        ? fault.body
        : JSON.stringify(fault.body);
  return new Response(nullBodyStatus(fault.status) ? null : body, { status: fault.status, headers: responseHeaders });
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}
