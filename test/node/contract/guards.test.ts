// The guards HttpBackend checks answers with must accept and refuse exactly what the zod schemas do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  activityPageGuard,
  authTokenGuard,
  credentialsGuard,
  errorBodyGuard,
  revealedSecretGuard,
  terminalListGuard,
  type Guard,
} from '../../../src/contract/guards.js';
import { describeIssues } from '../../../src/contract/describe-issues.js';
import {
  activityPageSchema,
  authTokenSchema,
  credentialsSchema,
  errorBodySchema,
  revealedSecretSchema,
  terminalListSchema,
} from '../../../src/contract/schemas.js';

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
  [
    'activity page',
    activityPageGuard,
    activityPageSchema,
    {
      events: [
        {
          id: '42',
          type: 'token-generated',
          at: time,
          actor: { id: 'acct-1', name: 'Ada' },
          from: '203.0.113.7',
          tpn: '139322815010',
        },
      ],
      nextCursor: '41',
    },
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

describe('response guards: ISO date-times', () => {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const token = (time: string) => ({
    token: 'a.b.c',
    tpn: '139322815010',
    issuedAt: time,
    expiresAt: time,
    graceEndsAt: time,
  });

  it('refuse the impossible dates zod refuses (issue 12, finding 9)', () => {
    for (const time of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
    ]) {
      expect(authTokenSchema.safeParse(token(time)).success, time).toBe(false);
      expect(authTokenGuard.safeParse(token(time)).success, time).toBe(false);
    }
    for (const time of ['2024-02-29T00:00:00Z', '2000-02-29T23:59:59.5+05:30', '2026-12-31T00:00:00-00:00']) {
      expect(authTokenGuard.safeParse(token(time)).success, time).toBe(true);
    }
  });

  it('accept exactly the date-times zod accepts, over every field at and beyond its limits', () => {
    const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2023, 2024, 2025, 2100, 2400));
    const field = (max: number) => fc.integer({ min: 0, max }).map((value) => pad(value));
    const zone = fc.oneof(
      fc.constant('Z'),
      fc.constant(''),
      fc.tuple(fc.constantFrom('+', '-'), field(25), field(61)).map(([sign, h, m]) => `${sign}${h}:${m}`),
    );
    const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,4}$/), fc.constant('.'));
    const time = fc
      .tuple(year, field(13), field(32), field(25), field(61), fc.option(field(61)), fraction, zone)
      .map(
        ([y, mo, d, h, mi, sec, frac, z]) =>
          `${pad(y, 4)}-${mo}-${d}T${h}:${mi}${sec === null ? '' : `:${sec}`}${frac}${z}`,
      );
    fc.assert(
      fc.property(time, (value) => {
        const mine = authTokenGuard.safeParse(token(value));
        const theirs = authTokenSchema.safeParse(token(value));
        expect(mine.success, value).toBe(theirs.success);
        if (!mine.success && !theirs.success) {
          expect(describeIssues(mine.error.issues), value).toBe(describeIssues(theirs.error.issues));
        }
      }),
      { numRuns: 5000 },
    );
  });
});
