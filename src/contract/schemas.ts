/**
 * The HTTP contract's bodies as zod (mini) schemas: the authority of the TypeScript types (`bodies.ts`
 * declares them as plain interfaces, checked here, so that public types need no zod),
 * of the validation at the boundary, and of the OpenAPI document the build emits.
 */
import * as z from 'zod/mini';
import type * as bodies from './bodies.js';
import { API_KEY_PATTERN, JWT_PATTERN, SECRET_KEY_HINT_PATTERN, SECRET_KEY_PATTERN, TPN_PATTERN } from './patterns.js';
import type { SchemaName } from './routes.js';
import { ACTIVITY_TYPES, GRACE_MINUTES, SCOPES, USER_ROLES } from './vocabulary.js';

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

export const activityEventSchema = z.object({
  id: z.string().check(z.maxLength(200)),
  type: z.enum(ACTIVITY_TYPES),
  at: isoTime,
  /** Who acted, when known (an admin, or the account whose keys authenticated). */
  actor: z.optional(z.object({ id: z.string(), name: z.string() })),
  /** The source address or client label of the request. */
  from: z.optional(z.string().check(z.maxLength(200))),
  /** The terminal, for token events. */
  tpn: z.optional(z.string().check(z.regex(TPN_PATTERN))),
});

export const activityPageSchema = z.object({
  /** Newest first. */
  events: z.array(activityEventSchema),
  /** Pass as `cursor` for the older events; `null` when there are none. */
  nextCursor: z.nullable(z.string().check(z.maxLength(200))),
});

export const resetSecretRequestSchema = z.object({
  /** 0–1440 whole minutes the previous secret keeps working; 0 or absent: it stops at once. */
  graceMinutes: z.optional(z.number().check(z.int(), z.minimum(GRACE_MINUTES.min), z.maximum(GRACE_MINUTES.max))),
});

export const generateTokenRequestSchema = z.object({
  tpn: z.string().check(z.maxLength(12), z.regex(TPN_PATTERN)),
  expiresInMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
});

/** Largest JSON body the server reads: no string of a request can be longer. */
const MAX_BODY_TEXT = 16 * 1024;

export const refreshTokenRequestSchema = z.object({
  /** Any text: the signature decides, so a token not signed by this server is a 401, not a 400. */
  token: z.string().check(z.minLength(1), z.maxLength(MAX_BODY_TEXT)),
});

/** iPOSpays' `POST /v1/authenticate-token` success body, as the server kit and the reference backend answer it. */
export const authenticateTokenResponseSchema = z.object({
  responseCode: z.literal('00'),
  responseMessage: z.string(),
  createdDt: isoTime,
  tokenExpiresInMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(1440)),
  token: z.string(),
});

export type AuthenticateTokenResponse = z.infer<typeof authenticateTokenResponseSchema>;

export const errorBodySchema = z.object({
  errorCode: z.string(),
  errorMessage: z.string(),
});

export type {
  ActivityEvent,
  ActivityPage,
  AuthToken,
  ContractBody,
  Credentials,
  ErrorBody,
  GenerateTokenRequest,
  Keys,
  RefreshTokenRequest,
  ResetSecretRequest,
  RevealedSecret,
  Terminal,
  TerminalList,
} from './bodies.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<Check extends true> = Check;
/** zod stays the authority: each plain interface of `bodies.ts` is exactly what its schema infers, or this fails to compile. */
export type BodiesMatchSchemas = Holds<
  Same<z.infer<typeof keysSchema>, bodies.Keys> &
    Same<z.infer<typeof credentialsSchema>, bodies.Credentials> &
    Same<z.infer<typeof revealedSecretSchema>, bodies.RevealedSecret> &
    Same<z.infer<typeof terminalSchema>, bodies.Terminal> &
    Same<z.infer<typeof terminalListSchema>, bodies.TerminalList> &
    Same<z.infer<typeof authTokenSchema>, bodies.AuthToken> &
    Same<z.infer<typeof activityEventSchema>, bodies.ActivityEvent> &
    Same<z.infer<typeof activityPageSchema>, bodies.ActivityPage> &
    Same<z.infer<typeof errorBodySchema>, bodies.ErrorBody> &
    Same<z.infer<typeof resetSecretRequestSchema>, bodies.ResetSecretRequest> &
    Same<z.infer<typeof generateTokenRequestSchema>, bodies.GenerateTokenRequest> &
    Same<z.infer<typeof refreshTokenRequestSchema>, bodies.RefreshTokenRequest> &
    Same<{ [Name in SchemaName]: z.infer<(typeof CONTRACT_SCHEMAS)[Name]> }, bodies.ContractBodies>
>;

/** The schema of each body the route table names. */
export const CONTRACT_SCHEMAS = {
  Credentials: credentialsSchema,
  RevealedSecret: revealedSecretSchema,
  TerminalList: terminalListSchema,
  AuthToken: authTokenSchema,
  ActivityPage: activityPageSchema,
  ResetSecretRequest: resetSecretRequestSchema,
  GenerateTokenRequest: generateTokenRequestSchema,
  RefreshTokenRequest: refreshTokenRequestSchema,
} as const satisfies Record<SchemaName, z.ZodMiniType>;
