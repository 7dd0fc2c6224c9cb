/**
 * The HTTP contract's bodies as plain interfaces, so that the library's public types need no zod at
 * the consumer. The zod schemas in `schemas.ts` remain the authority: they check at compile time that
 * each interface here is exactly what the schema infers.
 */
import type { ActivityType, Scope, UserRole } from './vocabulary.js';

export interface Keys {
  apiKey: string;
  /** The last 4 characters of the secret: all the masked view is built from. */
  secretKeyHint: string;
  createdAt: string;
  secretRotatedAt: string;
  /** When these keys last authenticated; `null`: never. Absent: the backend does not say (the line is left out). */
  lastUsedAt?: string | null | undefined;
  /** The IP address or client label of that last use. */
  lastUsedFrom?: string | null | undefined;
  /** After a reset with a grace window: the previous secret keeps working until then. */
  previousSecretValidUntil?: string | null | undefined;
}

export interface Credentials {
  role: UserRole;
  scopes: Scope[];
  /** `null` until the admin generates keys. */
  keys: Keys | null;
}

export interface RevealedSecret {
  secretKey: string;
}

export interface Terminal {
  tpn: string;
  label: string;
}

export interface TerminalList {
  terminals: Terminal[];
}

export interface AuthToken {
  /** A signed JWT (header.payload.signature). */
  token: string;
  tpn: string;
  issuedAt: string;
  expiresAt: string;
  /** Refresh is accepted until this moment (iPOSpays: 15 minutes after expiry). */
  graceEndsAt: string;
}

/** One line of the account's activity trail. Never carries a secret or a token. */
export interface ActivityEvent {
  id: string;
  type: ActivityType;
  at: string;
  /** Who acted, when known (an admin, or the account whose keys authenticated). */
  actor?: { id: string; name: string } | undefined;
  /** The source address or client label of the request. */
  from?: string | undefined;
  /** The terminal, for token events. */
  tpn?: string | undefined;
}

/** A page of the activity trail, newest first; `nextCursor` fetches the older events, `null` at the end. */
export interface ActivityPage {
  events: ActivityEvent[];
  nextCursor: string | null;
}

export interface ErrorBody {
  errorCode: string;
  errorMessage: string;
}

export interface ResetSecretRequest {
  /** 0–1440 whole minutes the previous secret keeps working; 0 or absent: it stops at once. */
  graceMinutes?: number | undefined;
}

export interface GenerateTokenRequest {
  tpn: string;
  expiresInMinutes?: number | undefined;
}

export interface RefreshTokenRequest {
  token: string;
}

/** Each body by the name the route table gives it. */
export interface ContractBodies {
  Credentials: Credentials;
  RevealedSecret: RevealedSecret;
  TerminalList: TerminalList;
  AuthToken: AuthToken;
  ActivityPage: ActivityPage;
  ResetSecretRequest: ResetSecretRequest;
  GenerateTokenRequest: GenerateTokenRequest;
  RefreshTokenRequest: RefreshTokenRequest;
}

/** The TypeScript type of each body the route table names. */
export type ContractBody<Name extends keyof ContractBodies> = ContractBodies[Name];
