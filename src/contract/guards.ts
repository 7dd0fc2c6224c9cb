/**
 * Checks of the answers `HttpBackend` receives, a fraction of zod's size in every browser bundle.
 *
 * The zod schemas in `schemas.ts` stay the single source of the contract: of the types (every guard is
 * typed with the zod-inferred type it checks), of the OpenAPI document and of the reference server's
 * validation. These guards mirror the five response bodies a browser reads; `test/node/contract/guards.test.ts`
 * proves they accept and refuse the same bodies as the zod schemas, with issues `describeIssues` reads
 * the same way (code, path, expectation — never the value).
 */
import type * as z from 'zod/mini';
import {
  API_KEY_PATTERN,
  ISO_DATETIME_PATTERN,
  JWT_PATTERN,
  SECRET_KEY_HINT_PATTERN,
  SECRET_KEY_PATTERN,
  TPN_PATTERN,
} from './patterns.js';
import type { SchemaName } from './routes.js';
import type {
  ActivityPage,
  AuthToken,
  ContractBody,
  Credentials,
  ErrorBody,
  RevealedSecret,
  TerminalList,
} from './bodies.js';
import { ACTIVITY_TYPES, SCOPES, USER_ROLES } from './vocabulary.js';

type Path = PropertyKey[];
/** Checks `value` at `path`, pushes what is wrong to `issues`, returns the value to keep (objects: known keys only). */
type Check = (value: unknown, path: Path, issues: z.core.$ZodIssue[]) => unknown;

export interface Guard<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: z.core.$ZodIssue[] } };
}

const issue = (issues: z.core.$ZodIssue[], path: Path, details: object) =>
  issues.push({ ...details, path, message: 'Invalid input' } as z.core.$ZodIssue);

const typed =
  (expected: string, test: (value: unknown) => boolean, inner?: Check): Check =>
  (value, path, issues) => {
    if (!test(value)) return issue(issues, path, { code: 'invalid_type', expected });
    return inner ? inner(value, path, issues) : value;
  };

const string = (pattern?: RegExp, format = 'regex'): Check =>
  typed(
    'string',
    (value) => typeof value === 'string',
    (value, path, issues) => {
      if (pattern && !pattern.test(value as string))
        issue(
          issues,
          path,
          format === 'regex'
            ? { code: 'invalid_format', format, pattern: String(pattern) }
            : { code: 'invalid_format', format },
        );
      return value;
    },
  );

/** zod's `z.string().check(z.maxLength(max))`. */
const shortString = (max: number): Check =>
  typed(
    'string',
    (value) => typeof value === 'string',
    (value, path, issues) => {
      if ((value as string).length > max) issue(issues, path, { code: 'too_big', origin: 'string', maximum: max });
      return value;
    },
  );

const oneOf =
  (...values: string[]): Check =>
  (value, path, issues) => {
    if (!values.includes(value as string)) issue(issues, path, { code: 'invalid_value', values });
    return value;
  };

const array = (item: Check): Check =>
  typed('array', Array.isArray, (value, path, issues) =>
    (value as unknown[]).map((entry, index) => item(entry, [...path, index], issues)),
  );

const nullable =
  (inner: Check): Check =>
  (value, path, issues) =>
    value === null ? null : inner(value, path, issues);

const optional =
  (inner: Check): Check =>
  (value, path, issues) =>
    value === undefined ? undefined : inner(value, path, issues);

const object = (shape: Record<string, Check>): Check =>
  typed(
    'object',
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    (value, path, issues) => {
      const out: Record<string, unknown> = {};
      for (const key in shape) {
        const checked = shape[key]!((value as Record<string, unknown>)[key], [...path, key], issues);
        // An absent optional field stays absent, as zod leaves it.
        if (checked !== undefined || key in (value as object)) out[key] = checked;
      }
      return out;
    },
  );

function guard<T>(check: Check): Guard<T> {
  return {
    safeParse(input) {
      const issues: z.core.$ZodIssue[] = [];
      const data = check(input, [], issues) as T;
      return issues.length ? { success: false, error: { issues } } : { success: true, data };
    },
  };
}

/** zod's `z.iso.datetime({ offset: true })`, real calendar dates only (no 30 February). */
const isoTime = string(ISO_DATETIME_PATTERN, 'datetime');
const tpn = string(TPN_PATTERN);

export const credentialsGuard = guard<Credentials>(
  object({
    role: oneOf(...USER_ROLES),
    scopes: array(oneOf(...SCOPES)),
    keys: nullable(
      object({
        apiKey: string(API_KEY_PATTERN),
        secretKeyHint: string(SECRET_KEY_HINT_PATTERN),
        createdAt: isoTime,
        secretRotatedAt: isoTime,
        lastUsedAt: optional(nullable(isoTime)),
        lastUsedFrom: optional(nullable(shortString(200))),
        previousSecretValidUntil: optional(nullable(isoTime)),
      }),
    ),
  }),
);

export const revealedSecretGuard = guard<RevealedSecret>(object({ secretKey: string(SECRET_KEY_PATTERN) }));

export const terminalListGuard = guard<TerminalList>(object({ terminals: array(object({ tpn, label: string() })) }));

export const authTokenGuard = guard<AuthToken>(
  object({
    token: string(JWT_PATTERN),
    tpn,
    issuedAt: isoTime,
    expiresAt: isoTime,
    graceEndsAt: isoTime,
  }),
);

export const activityPageGuard = guard<ActivityPage>(
  object({
    events: array(
      object({
        id: shortString(200),
        type: oneOf(...ACTIVITY_TYPES),
        at: isoTime,
        actor: optional(object({ id: string(), name: string() })),
        from: optional(shortString(200)),
        tpn: optional(tpn),
      }),
    ),
    nextCursor: nullable(shortString(200)),
  }),
);

export const errorBodyGuard = guard<ErrorBody>(object({ errorCode: string(), errorMessage: string() }));

/** The guard of each answer body the route table names (request bodies are the servers' to check). */
export const ANSWER_GUARDS: { [Name in Exclude<SchemaName, `${string}Request`>]: Guard<ContractBody<Name>> } = {
  Credentials: credentialsGuard,
  RevealedSecret: revealedSecretGuard,
  TerminalList: terminalListGuard,
  AuthToken: authTokenGuard,
  ActivityPage: activityPageGuard,
};
