/**
 * fast-check arbitraries for answers a broken or hostile backend might send with a 200: wrong types,
 * missing fields, huge strings, HTML/script payloads, prototype-pollution keys, and text that is not
 * JSON. Every generated string value is wrapped in « » (or is one of `PAYLOADS`), so a test can list
 * the body's values with `valuesIn()` and prove none of them reached a message, the DOM or a log.
 */
import fc from 'fast-check';

export const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '"><svg onload="window.__pwned=1">',
  'javascript:window.__pwned=1',
  '{{constructor.constructor("window.__pwned=1")()}}',
] as const;

/** The bodies the contract's answers must have, one valid example of each. */
export const VALID_BODIES = {
  credentials: {
    role: 'merchant',
    scopes: ['Recurring'],
    keys: {
      apiKey: 'dakey_abcdefgh',
      secretKeyHint: 'wxyz',
      createdAt: '2026-01-01T00:00:00Z',
      secretRotatedAt: '2026-01-01T00:00:00Z',
    },
  },
  secret: { secretKey: 'dskey_abcdefgh' },
  terminals: { terminals: [{ tpn: '139322815010', label: 'Front desk' }] },
  token: {
    token: 'aaa.bbb.ccc',
    tpn: '139322815010',
    issuedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2026-01-02T00:00:00Z',
    graceEndsAt: '2026-01-02T00:15:00Z',
  },
} as const;
export type BodyKind = keyof typeof VALID_BODIES;

const marked = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/).map((s) => `«${s}»`);
const huge = fc.integer({ min: 20_000, max: 120_000 }).map((n) => `«${'A'.repeat(n)}»`);
const payload = fc.constantFrom(...PAYLOADS);
const stringLeaf = fc.oneof(
  { arbitrary: marked, weight: 5 },
  { arbitrary: payload, weight: 3 },
  { arbitrary: huge, weight: 1 },
);
const leaf = fc.oneof(
  stringLeaf.map((s) => JSON.stringify(s)),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}'),
);
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'keys', 'token', 'terminals', 'secretKey', 'tpn'),
  marked,
  payload,
);
const pollution = fc.constantFrom(
  '"__proto__":{"polluted":"«proto»"}',
  '"constructor":{"prototype":{"polluted":"«ctor»"}}',
  '"__proto__":{"toString":"«tostring»","isAdmin":true}',
);

/** Any JSON text, as text (objects are written by hand so `__proto__` stays a plain key). */
export const anyJson: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(key, tie('node')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).node;

/** A valid body with one field removed or replaced by something of the wrong kind, plus pollution keys. */
function nearlyValid(kind: BodyKind): fc.Arbitrary<string> {
  const paths = fieldPaths(VALID_BODIES[kind]);
  return fc
    .record({
      path: fc.constantFrom(...paths),
      change: fc.oneof(fc.constant<'delete'>('delete'), anyJson),
      polluted: fc.option(pollution, { nil: undefined }),
    })
    .map(({ path, change, polluted }) => {
      const body = structuredClone(VALID_BODIES[kind]) as Record<string, unknown>;
      const holder = path.slice(0, -1).reduce<Record<string, unknown>>((node, step) => node[step] as never, body);
      const last = path.at(-1)!;
      if (change === 'delete') delete holder[last];
      else holder[last] = '@@CHANGE@@';
      let text = JSON.stringify(body).replace('"@@CHANGE@@"', () => (change === 'delete' ? 'null' : change));
      if (polluted) text = text.replace(/^\{/, () => `{${polluted},`);
      return text;
    });
}

function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => fieldPaths(v, [...prefix, k]))];
}

/** Text that is not JSON at all, or JSON cut short. */
const notJson = fc.oneof(
  fc.constantFrom(
    '<!doctype html><html><body><img src=x onerror="window.__pwned=1">«login»</body></html>',
    '',
    '«undefined»',
    "{'single':'«quotes»'}",
  ),
  fc.tuple(anyJson, fc.nat()).map(([text, cut]) => (text.length > 1 ? text.slice(0, cut % (text.length - 1)) : '{')),
);

/** An answer body (as text) that the schema of `kind` must refuse. */
export function badBody(kind: BodyKind): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: nearlyValid(kind), weight: 4 },
    { arbitrary: anyJson, weight: 3 },
    { arbitrary: notJson, weight: 1 },
  );
}

/** The string values a body carried that must never show up anywhere: « »-marked strings and payloads. */
export function valuesIn(text: string): string[] {
  const found = new Set<string>(text.match(/«[A-Za-z0-9]*»/g) ?? []);
  if (/«A{1000,}»/.test(text)) found.add('A'.repeat(1000));
  for (const p of PAYLOADS) if (text.includes(JSON.stringify(p).slice(1, -1)) || text.includes(p)) found.add(p);
  return [...found];
}
