/**
 * Fuzzed bad answers through `HttpBackend`: every generated invalid 200 body (wrong types, missing
 * fields, huge strings, HTML/script payloads, `__proto__`/`constructor` keys, not JSON) ends as a
 * `BackendError` with code `invalid-response` whose message names none of the body's values, and
 * nothing pollutes `Object.prototype`. Deterministic: a fixed seed.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/backend/backend-error.js';
import { HttpBackend } from '../../../src/backend/http-backend.js';
import {
  authTokenSchema,
  credentialsSchema,
  revealedSecretSchema,
  terminalListSchema,
} from '../../../src/contract/schemas.js';
import { badBody, valuesIn, type BodyKind } from '../../support/bad-bodies.js';

const SEED = 20_261_124;
const RUNS = 600;

type Method = (backend: HttpBackend) => Promise<unknown>;
const METHODS: {
  name: string;
  kind: BodyKind;
  schema: { safeParse(v: unknown): { success: boolean } };
  call: Method;
}[] = [
  { name: 'getCredentials', kind: 'credentials', schema: credentialsSchema, call: (b) => b.getCredentials() },
  { name: 'generateKeys', kind: 'credentials', schema: credentialsSchema, call: (b) => b.generateKeys() },
  { name: 'resetSecret', kind: 'credentials', schema: credentialsSchema, call: (b) => b.resetSecret() },
  { name: 'revealSecret', kind: 'secret', schema: revealedSecretSchema, call: (b) => b.revealSecret() },
  { name: 'listTerminals', kind: 'terminals', schema: terminalListSchema, call: (b) => b.listTerminals() },
  {
    name: 'generateToken',
    kind: 'token',
    schema: authTokenSchema,
    call: (b) => b.generateToken({ tpn: '139322815010', expiresInMinutes: 60 }),
  },
  { name: 'refreshToken', kind: 'token', schema: authTokenSchema, call: (b) => b.refreshToken({ token: 'a.b.c' }) },
];

function isValid(schema: { safeParse(v: unknown): { success: boolean } }, text: string): boolean {
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
let tried = 0;

afterAll(() => {
  console.log(`[reliability] fuzz (HttpBackend, Node): ${tried} invalid bodies tried, every one invalid-response`);
});

describe('HttpBackend with fuzzed invalid answers', () => {
  it(`turns ${RUNS} generated invalid bodies into invalid-response without echoing them`, async () => {
    const before = prototypeKeys();
    const arbitrary = fc.oneof(...METHODS.map((method) => badBody(method.kind).map((text) => ({ method, text }))));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ method, text }) => {
        fc.pre(!isValid(method.schema, text));
        const backend = new HttpBackend({
          baseUrl: 'https://backend.test/api',
          retries: 0,
          fetch: async () => new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } }),
        });
        const error = await method.call(backend).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error, method.name).toBeInstanceOf(BackendError);
        expect((error as BackendError).code).toBe('invalid-response');
        const told = `${(error as BackendError).message} ${String((error as BackendError).stack)}`;
        for (const value of valuesIn(text))
          expect(told.includes(value), `${method.name} echoed ${value.slice(0, 40)}`).toBe(false);
        expect(told).not.toMatch(/<img|<script|<svg|onerror|«/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
        tried += 1;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(prototypeKeys()).toBe(before);
    expect(tried).toBeGreaterThanOrEqual(500);
  });
});
