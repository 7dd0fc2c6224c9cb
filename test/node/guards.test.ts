// The guards HttpBackend checks answers with must accept and refuse exactly what the zod schemas do.
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  authTokenGuard,
  credentialsGuard,
  errorBodyGuard,
  revealedSecretGuard,
  terminalListGuard,
  type Guard,
} from '../../src/contract/guards.js';
import { describeIssues } from '../../src/contract/describe-issues.js';
import {
  authTokenSchema,
  credentialsSchema,
  errorBodySchema,
  revealedSecretSchema,
  terminalListSchema,
} from '../../src/contract/schemas.js';

const time = '2026-03-01T12:00:00.000Z';
const valid: [string, Guard<unknown>, z.ZodMiniType, Record<string, unknown>][] = [
  [
    'credentials',
    credentialsGuard,
    credentialsSchema,
    {
      role: 'merchant',
      scopes: ['PaymentTokenization', 'Recurring'],
      keys: {
        apiKey: 'dakey_abc',
        secretKeyHint: 'wxyz',
        createdAt: time,
        secretRotatedAt: '2026-03-01T13:00:00+02:00',
        lastUsedAt: time,
        lastUsedFrom: '203.0.113.7',
        previousSecretValidUntil: null,
      },
    },
  ],
  ['revealed secret', revealedSecretGuard, revealedSecretSchema, { secretKey: 'dskey_abc-_9' }],
  ['terminals', terminalListGuard, terminalListSchema, { terminals: [{ tpn: '139322815010', label: 'Front desk' }] }],
  [
    'auth token',
    authTokenGuard,
    authTokenSchema,
    { token: 'a.b.c', tpn: '139322815010', issuedAt: time, expiresAt: time, graceEndsAt: '2026-03-01T12:00:05-05:30' },
  ],
  ['error body', errorBodyGuard, errorBodySchema, { errorCode: 'X', errorMessage: 'y' }],
];

/** Each body broken in every way one field can be broken: missing, wrong type, wrong value, wrong shape. */
function* variants(body: Record<string, unknown>): Generator<unknown> {
  yield body;
  yield { ...body, extra: 'dropped' };
  yield null;
  yield [];
  yield 'text';
  for (const key of Object.keys(body)) {
    const rest = { ...body };
    delete rest[key];
    yield rest;
    for (const bad of [
      null,
      1,
      true,
      '',
      'x',
      [],
      {},
      '2026-13-01T00:00:00Z',
      '2026-03-01 12:00:00Z',
      '2026-03-01T12:00Z',
      'a.b',
      ['Recurring', 'Nope'],
      '13932281501',
      'dakey_',
      'wxy',
      'x'.repeat(201),
    ]) {
      yield { ...body, [key]: bad };
    }
    const value = body[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of variants(value as Record<string, unknown>)) yield { ...body, [key]: inner };
    }
    if (Array.isArray(value) && typeof value[0] === 'object') {
      for (const inner of variants(value[0] as Record<string, unknown>)) yield { ...body, [key]: [inner] };
    }
  }
}

describe('response guards', () => {
  for (const [name, guard, schema, body] of valid) {
    it(`${name}: same verdict, data and described issues as the zod schema`, () => {
      let count = 0;
      for (const input of variants(body)) {
        count++;
        const mine = guard.safeParse(input);
        const theirs = schema.safeParse(input);
        expect(mine.success, JSON.stringify(input)).toBe(theirs.success);
        if (mine.success && theirs.success) expect(mine.data).toEqual(theirs.data);
        if (!mine.success && !theirs.success) {
          expect(describeIssues(mine.error.issues), JSON.stringify(input)).toBe(describeIssues(theirs.error.issues));
        }
      }
      expect(count).toBeGreaterThanOrEqual(20);
    });
  }
});
