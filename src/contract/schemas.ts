/**
 * The HTTP contract's bodies as zod (mini) schemas: the single source of the TypeScript types,
 * of the validation at the boundary, and of the OpenAPI document the build emits.
 */
import * as z from 'zod/mini';
import { API_KEY_PATTERN, JWT_PATTERN, SECRET_KEY_HINT_PATTERN, SECRET_KEY_PATTERN, TPN_PATTERN } from './patterns.js';
import type { SchemaName } from './routes.js';
import { SCOPES, USER_ROLES } from './vocabulary.js';

const isoTime = z.iso.datetime({ offset: true });

export const userRoleSchema = z.enum(USER_ROLES);
export const scopeSchema = z.enum(SCOPES);

export const keysSchema = z.object({
  apiKey: z.string().check(z.regex(API_KEY_PATTERN)),
  /** The last 4 characters of the secret: all the masked view is built from. */
  secretKeyHint: z.string().check(z.regex(SECRET_KEY_HINT_PATTERN)),
  createdAt: isoTime,
  secretRotatedAt: isoTime,
  /** When these keys last authenticated; `null`: never. Absent: the backend does not say (the line is left out). */
  lastUsedAt: z.optional(z.nullable(isoTime)),
  /** The IP address or client label of that last use. */
  lastUsedFrom: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
  /** After a reset with a grace window: the previous secret keeps working until then. */
  previousSecretValidUntil: z.optional(z.nullable(isoTime)),
});

export const credentialsSchema = z.object({
  role: userRoleSchema,
  scopes: z.array(scopeSchema),
  /** `null` until the admin generates keys. */
  keys: z.nullable(keysSchema),
});

export const revealedSecretSchema = z.object({
  secretKey: z.string().check(z.regex(SECRET_KEY_PATTERN)),
});

export const terminalSchema = z.object({
  tpn: z.string().check(z.regex(TPN_PATTERN)),
  label: z.string(),
});

export const terminalListSchema = z.object({
  terminals: z.array(terminalSchema),
});

export const authTokenSchema = z.object({
  /** A signed JWT (header.payload.signature). */
  token: z.string().check(z.regex(JWT_PATTERN)),
  tpn: z.string().check(z.regex(TPN_PATTERN)),
  issuedAt: isoTime,
  expiresAt: isoTime,
  /** Refresh is accepted until this moment (iPOSpays: 15 minutes after expiry). */
  graceEndsAt: isoTime,
});

export const generateTokenRequestSchema = z.object({
  tpn: z.string().check(z.regex(TPN_PATTERN)),
  expiresInMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
});

export const refreshTokenRequestSchema = z.object({
  token: z.string().check(z.minLength(1)),
});

export const errorBodySchema = z.object({
  errorCode: z.string(),
  errorMessage: z.string(),
});

export type Keys = z.infer<typeof keysSchema>;
export type Credentials = z.infer<typeof credentialsSchema>;
export type RevealedSecret = z.infer<typeof revealedSecretSchema>;
export type Terminal = z.infer<typeof terminalSchema>;
export type TerminalList = z.infer<typeof terminalListSchema>;
export type AuthToken = z.infer<typeof authTokenSchema>;
export type GenerateTokenRequest = z.infer<typeof generateTokenRequestSchema>;
export type RefreshTokenRequest = z.infer<typeof refreshTokenRequestSchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The schema of each body the route table names. */
export const CONTRACT_SCHEMAS = {
  Credentials: credentialsSchema,
  RevealedSecret: revealedSecretSchema,
  TerminalList: terminalListSchema,
  AuthToken: authTokenSchema,
  GenerateTokenRequest: generateTokenRequestSchema,
  RefreshTokenRequest: refreshTokenRequestSchema,
} as const satisfies Record<SchemaName, z.ZodMiniType>;

/** The TypeScript type of each body the route table names. */
export type ContractBody<Name extends SchemaName> = z.infer<(typeof CONTRACT_SCHEMAS)[Name]>;
