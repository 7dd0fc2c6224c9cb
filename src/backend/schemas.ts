/**
 * The HTTP contract's bodies as zod (mini) schemas: the single source of the TypeScript types,
 * of the validation at the boundary, and of the OpenAPI document the build emits.
 */
import * as z from 'zod/mini';
import type * as contract from './contract.js';
import { SCOPES, USER_ROLES } from '../roles.js';
import { API_KEY_PATTERN, JWT_PATTERN, SECRET_KEY_HINT_PATTERN, SECRET_KEY_PATTERN, TPN_PATTERN } from './patterns.js';

const isoTime = z.iso.datetime({ offset: true });

export const userRoleSchema = z.enum(USER_ROLES);
export const scopeSchema = z.enum(SCOPES);

export const keysSchema = z.object({
  apiKey: z.string().check(z.regex(API_KEY_PATTERN)),
  /** The last 4 characters of the secret: all the masked view is built from. */
  secretKeyHint: z.string().check(z.regex(SECRET_KEY_HINT_PATTERN)),
  createdAt: isoTime,
  secretRotatedAt: isoTime,
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

/** iPOSpays' `POST /v1/authenticate-token` success body, modelled by the reference backend. */
export const authenticateTokenResponseSchema = z.object({
  responseCode: z.literal('00'),
  responseMessage: z.string(),
  createdDt: isoTime,
  tokenExpiresInMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(1440)),
  token: z.string(),
});

export const errorBodySchema = z.object({
  errorCode: z.string(),
  errorMessage: z.string(),
});

export type { AuthToken, Credentials, ErrorBody, Keys, RevealedSecret, Terminal, TerminalList } from './contract.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<Check extends true> = Check;
/** zod stays the authority: each plain interface of `contract.ts` is exactly what its schema infers, or this fails to compile. */
export type ContractMatchesSchemas = Holds<
  Same<z.infer<typeof keysSchema>, contract.Keys> &
    Same<z.infer<typeof credentialsSchema>, contract.Credentials> &
    Same<z.infer<typeof revealedSecretSchema>, contract.RevealedSecret> &
    Same<z.infer<typeof terminalSchema>, contract.Terminal> &
    Same<z.infer<typeof terminalListSchema>, contract.TerminalList> &
    Same<z.infer<typeof authTokenSchema>, contract.AuthToken> &
    Same<z.infer<typeof errorBodySchema>, contract.ErrorBody>
>;
export type GenerateTokenRequest = z.infer<typeof generateTokenRequestSchema>;
export type RefreshTokenRequest = z.infer<typeof refreshTokenRequestSchema>;
export type AuthenticateTokenResponse = z.infer<typeof authenticateTokenResponseSchema>;
