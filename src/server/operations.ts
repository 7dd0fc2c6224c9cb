/**
 * The sixth stage: what the server does for each operation of the contract, inside the transaction the
 * idempotency stage opened. iPOSpays' `/authenticate-token` is `authenticate-token.ts`.
 */
import type { OperationId, RouteDefinition } from '../contract/routes.js';
import {
  generateTokenRequestSchema,
  refreshTokenRequestSchema,
  resetSecretRequestSchema,
  type ActivityEvent,
  type ActivityPage,
  type AuthToken,
  type Credentials,
  type Terminal,
} from '../contract/schemas.js';
import { GRACE_MINUTES, type UserRole } from '../contract/vocabulary.js';
import { ROLE_SCOPES, ROLE_TITLES, canGenerateTokens } from '../contract/roles.js';
import { ACTIVITY_LIMIT } from '../options/ranges.js';
import { Problem, type Answer } from './answer.js';
import type { SecretBox } from './crypto.js';
import { generateApiKey, generateSecretKey } from './keys.js';
import type { AuditEvent, AuditEventType, KeyRow, StoreTransaction, StoredAuditEvent } from './store.js';
import {
  DEFAULT_TOKEN_MINUTES,
  GRACE_PERIOD_MINUTES,
  MAX_TOKEN_MINUTES,
  type TokenClaims,
  type TokenSigner,
} from './tokens.js';

/** Who a request acts for, as the host's `resolveAccount` says. */
export interface ServerAccount {
  /** Stable and unique: the tokens' `sub` and the key of the account's rows. */
  accountId: string;
  role: UserRole;
  /** Display name, kept in the audit log as the actor's name. */
  name?: string;
}

/** What every operation gets. */
export interface OperationContext {
  request: Request;
  tx: StoreTransaction;
  /** This request's time, epoch ms. */
  now: number;
  /** The request's source address or client label, for the audit log and `lastUsedFrom`. */
  source: string | null;
  signer: TokenSigner;
  box: SecretBox;
}

export interface AccountOperationContext extends OperationContext {
  account: ServerAccount;
  /** The parsed JSON body, for operations that take one. */
  body: unknown;
  terminals(): Promise<readonly Terminal[]>;
}

export type AccountOperation = (context: AccountOperationContext) => Promise<Answer>;

const INVALID_TPN = 'tpn must be a string of exactly 12 digits, a Terminal Profile Number such as 139322815010.';
const INVALID_EXPIRY = `expiresInMinutes must be a whole number of minutes from 1 to ${MAX_TOKEN_MINUTES} (24 hours); omit it for ${DEFAULT_TOKEN_MINUTES}.`;
const keysNotFound = () =>
  new Problem(404, 'KEYS_NOT_FOUND', 'This account has no API key yet: generate the keys first (POST /credentials).');

/** The contract's operations, by operation id. */
export const OPERATIONS: Record<OperationId, AccountOperation> = {
  getCredentials: async ({ tx, account, now }) => ({
    status: 200,
    body: credentialsOf(account, await tx.keys(account.accountId), now),
  }),
  generateKeys,
  revealSecret,
  resetSecret,
  revokePreviousSecret,
  listTerminals: async ({ terminals }) => ({ status: 200, body: { terminals: [...(await terminals())] } }),
  generateToken,
  refreshToken,
  listActivity,
};

/** Runs an operation, turning its `Problem` into an answer (so refusals commit and are remembered too). */
export async function settle(operation: () => Promise<Answer>): Promise<Answer> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof Problem) return error.toAnswer();
    throw error;
  }
}

/** Runs an operation for the account, turning its `Problem` into an answer. */
export function runOperation(id: OperationId, context: AccountOperationContext): Promise<Answer> {
  return settle(() => OPERATIONS[id](context));
}

/** Who told the server of a role change, and when: an admin's request, or the host (no actor, no source). */
export type RoleChangeActor = Pick<AuditEvent, 'at' | 'actorId' | 'actorName' | 'source'>;

/** A flapping role (two sessions that disagree) is audited at most once per role and account in this window. */
const ROLE_CHANGE_AUDIT_WINDOW_MS = 60_000;

/**
 * Records `role` as the account's current one on its keys, from then on what `authenticate-token` signs the
 * scopes of (never the old role's). A change is audited as `role-changed` — once per account and role a minute,
 * so two sessions that disagree cannot fill the log; the keys follow every change all the same.
 */
export async function followRole(
  tx: StoreTransaction,
  accountId: string,
  role: UserRole,
  actor: RoleChangeActor,
): Promise<boolean> {
  if (!(await tx.changeRole(accountId, role))) return false;
  const window = Math.floor(actor.at / ROLE_CHANGE_AUDIT_WINDOW_MS) * ROLE_CHANGE_AUDIT_WINDOW_MS;
  if ((await tx.countHit(`role-changed ${role} ${accountId}`, window)) > 1) return true;
  await tx.appendAudit({ ...actor, accountId, type: 'role-changed', tpn: null, graceMinutes: null, role });
  return true;
}

/** Refuses an account whose role has no access to the route (terminals and tokens are for merchants). */
export function refuseRoleWithoutAccess(route: RouteDefinition, account: ServerAccount): void {
  if (route.merchantOnly && !canGenerateTokens(account.role)) throw merchantOnlyProblem(account.role);
}

/** A cursor is the id of the last event of the previous page, in decimal. */
const ACTIVITY_CURSOR_PATTERN = /^[1-9]\d{0,14}$/;

/** The account's audit log, newest first, a page at a time; the cursor is opaque to clients. */
async function listActivity({ tx, account, request }: AccountOperationContext): Promise<Answer> {
  const query = new URL(request.url).searchParams;
  const cursor = query.get('cursor');
  const limitText = query.get('limit');
  if (cursor !== null && !ACTIVITY_CURSOR_PATTERN.test(cursor)) {
    throw new Problem(
      400,
      'INVALID_CURSOR',
      "cursor must be a previous page's nextCursor; omit it for the newest events.",
    );
  }
  const limit = limitText === null ? ACTIVITY_LIMIT.fallback : /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= ACTIVITY_LIMIT.min && limit <= ACTIVITY_LIMIT.max)) {
    throw new Problem(
      400,
      'INVALID_LIMIT',
      `limit must be a whole number from ${ACTIVITY_LIMIT.min} to ${ACTIVITY_LIMIT.max}; omit it for ${ACTIVITY_LIMIT.fallback}.`,
    );
  }
  // One more than asked for tells whether an older page exists.
  const rows = await tx.listAudit(account.accountId, {
    beforeId: cursor === null ? undefined : Number(cursor),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const body: ActivityPage = {
    events: page.map(activityEventOf),
    nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  };
  return { status: 200, body };
}

/** An audit row as the contract shows it: never more than who, what, when, from where and which terminal. */
function activityEventOf(row: StoredAuditEvent): ActivityEvent {
  return {
    id: String(row.id),
    type: row.type,
    at: isoTime(row.at),
    ...(row.actorId !== null && { actor: { id: row.actorId, name: row.actorName ?? row.actorId } }),
    ...(row.source !== null && { from: row.source.slice(0, 200) }),
    ...(row.tpn !== null && { tpn: row.tpn }),
  };
}

/** The 403 for an account that has no terminals. */
export function merchantOnlyProblem(role: UserRole): Problem {
  return new Problem(
    403,
    'ROLE_FORBIDDEN',
    `Only Merchant Admin accounts have terminals (TPNs) and Auth Tokens; this is an ${ROLE_TITLES[role]} account.`,
  );
}

/** Whether a row's previous secret still authenticates at `now`. */
export function previousSecretValid(row: KeyRow, now: number): boolean {
  return row.previousSecret !== null && row.previousSecretValidUntil !== null && now < row.previousSecretValidUntil;
}

function credentialsOf(account: ServerAccount, row: KeyRow | null, now: number): Credentials {
  return {
    role: account.role,
    scopes: [...ROLE_SCOPES[account.role]],
    keys: row && {
      apiKey: row.apiKey,
      secretKeyHint: row.secretHint,
      createdAt: isoTime(row.createdAt),
      secretRotatedAt: isoTime(row.secretRotatedAt),
      lastUsedAt: row.lastUsedAt === null ? null : isoTime(row.lastUsedAt),
      // Capped like the contract's field: a client label could be anything a host passes.
      lastUsedFrom: row.lastUsedFrom === null ? null : row.lastUsedFrom.slice(0, 200),
      // A window that has ended is no window: the row keeps it until the next reset or revoke.
      previousSecretValidUntil: previousSecretValid(row, now) ? isoTime(row.previousSecretValidUntil!) : null,
    },
  };
}

function audit(
  context: AccountOperationContext,
  type: AuditEventType,
  details: { tpn?: string; graceMinutes?: number } = {},
): Promise<void> {
  const { tx, account, now, source } = context;
  return tx.appendAudit({
    accountId: account.accountId,
    type,
    at: now,
    actorId: account.accountId,
    actorName: account.name ?? null,
    source,
    tpn: details.tpn ?? null,
    graceMinutes: details.graceMinutes ?? null,
  });
}

const keysExist = () =>
  new Problem(
    409,
    'KEYS_EXIST',
    'This account already has an API key and secret key; reset the secret key to get a new one.',
  );

async function generateKeys(context: AccountOperationContext): Promise<Answer> {
  const { tx, account, now, box } = context;
  if (await tx.keys(account.accountId)) throw keysExist();
  const apiKey = generateApiKey();
  const secretKey = generateSecretKey();
  const row: KeyRow = {
    accountId: account.accountId,
    role: account.role,
    apiKey,
    apiKeyIndex: await box.index(apiKey),
    secret: await box.seal(secretKey, account.accountId),
    secretHint: secretKey.slice(-4),
    createdAt: now,
    secretRotatedAt: now,
    rotation: 0,
    lastUsedAt: null,
    lastUsedFrom: null,
    previousSecret: null,
    previousSecretValidUntil: null,
  };
  // A concurrent generate for the same account that committed first wins; this one is a 409.
  if (!(await tx.insertKeys(row))) throw keysExist();
  await audit(context, 'keys-generated');
  return { status: 201, body: credentialsOf(account, row, now) };
}

async function revealSecret(context: AccountOperationContext): Promise<Answer> {
  const { tx, account, box } = context;
  const row = await tx.keys(account.accountId);
  if (!row) throw keysNotFound();
  const secretKey = await box.open(row.secret, account.accountId);
  await audit(context, 'secret-revealed');
  return { status: 200, body: { secretKey } };
}

const INVALID_GRACE = `graceMinutes must be a whole number of minutes from ${GRACE_MINUTES.min} to ${GRACE_MINUTES.max} (24 hours); 0 or none: the old secret stops working at once.`;

/**
 * `POST /credentials/secret/reset`, with an optional `{ graceMinutes }`. With a window the replaced secret keeps
 * working until it ends; a reset during a window replaces the previous secret with the one it replaces, so the
 * older one stops at once — never more than two secrets work.
 */
async function resetSecret(context: AccountOperationContext): Promise<Answer> {
  const { tx, account, now, box, body } = context;
  // No body (or an empty one) is no window; a JSON `null` is a body, and not the contract's.
  const parsed = resetSecretRequestSchema.safeParse(body === undefined ? {} : body);
  if (!parsed.success) throw new Problem(400, 'INVALID_GRACE_MINUTES', INVALID_GRACE);
  const graceMinutes = parsed.data.graceMinutes ?? 0;
  const secretKey = generateSecretKey();
  const current = await tx.keys(account.accountId);
  if (!current) throw keysNotFound();
  // The old secret stops working at commit, or when the window ends: /authenticate-token reads the row, never a cache.
  const row = await tx.rotateSecret(account.accountId, {
    secret: await box.seal(secretKey, account.accountId),
    apiKeyIndex: await box.index(current.apiKey),
    secretHint: secretKey.slice(-4),
    at: now,
    previousSecretValidUntil: graceMinutes > 0 ? now + graceMinutes * 60_000 : null,
  });
  if (!row) throw keysNotFound();
  await audit(context, 'secret-reset', { graceMinutes });
  return { status: 200, body: credentialsOf(account, row, now) };
}

/** `POST /credentials/secret/previous/revoke`: the previous secret stops now; with none, the same answer. */
async function revokePreviousSecret(context: AccountOperationContext): Promise<Answer> {
  const { tx, account, now } = context;
  const current = await tx.keys(account.accountId);
  if (!current) throw keysNotFound();
  // Only a window still open is worth a line in the trail: a repeat (or a late click) changes nothing.
  if (!previousSecretValid(current, now)) return { status: 200, body: credentialsOf(account, current, now) };
  const row = await tx.revokePreviousSecret(account.accountId);
  if (!row) throw keysNotFound();
  await audit(context, 'previous-secret-revoked');
  return { status: 200, body: credentialsOf(account, row, now) };
}

async function generateToken(context: AccountOperationContext): Promise<Answer> {
  const parsed = generateTokenRequestSchema.safeParse(context.body);
  if (!parsed.success) {
    const fields = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    if (fields.has('tpn')) throw new Problem(400, 'INVALID_TPN', INVALID_TPN);
    if (fields.has('expiresInMinutes')) throw new Problem(400, 'INVALID_EXPIRY', INVALID_EXPIRY);
    throw new Problem(
      400,
      'INVALID_REQUEST',
      'The body must be a JSON object { "tpn": "<12 digits>", "expiresInMinutes"?: 1–1440 }.',
    );
  }
  const { tpn, expiresInMinutes = DEFAULT_TOKEN_MINUTES } = parsed.data;
  await requireOwnTerminal(context, tpn);
  const token = await issueAuthToken(context, tpn, expiresInMinutes);
  await audit(context, 'token-generated', { tpn });
  return { status: 201, body: token };
}

async function refreshToken(context: AccountOperationContext): Promise<Answer> {
  const { account, body, now, signer } = context;
  const parsed = refreshTokenRequestSchema.safeParse(body);
  if (!parsed.success)
    throw new Problem(400, 'INVALID_REQUEST', 'The body must be a JSON object { "token": "<the Auth Token>" }.');
  const check = await signer.check(parsed.data.token, now);
  if (!check.valid && check.reason === 'grace-expired') {
    throw new Problem(
      401,
      'TOKEN_GRACE_EXPIRED',
      `The token expired more than ${GRACE_PERIOD_MINUTES} minutes ago and can no longer be refreshed; generate a new one.`,
    );
  }
  const tpn = check.valid ? check.claims.tpn : undefined;
  if (!check.valid || tpn === undefined) {
    throw new Problem(401, 'TOKEN_INVALID', 'The token is not an Auth Token issued by this server, or it was altered.');
  }
  const { claims } = check;
  if (claims.sub !== account.accountId)
    throw new Problem(401, 'TOKEN_WRONG_ACCOUNT', 'The token was issued to another account.');
  await requireOwnTerminal(context, tpn);
  // A refresh keeps the lifetime the token was generated with.
  const lifetimeMinutes = Math.round((claims.exp - claims.iat) / 60);
  const token = await issueAuthToken(context, tpn, lifetimeMinutes);
  await audit(context, 'token-refreshed', { tpn });
  return { status: 200, body: token };
}

async function requireOwnTerminal(context: AccountOperationContext, tpn: string): Promise<void> {
  if (!(await context.terminals()).some((terminal) => terminal.tpn === tpn)) {
    throw new Problem(400, 'UNKNOWN_TPN', `TPN ${tpn} is not a terminal of this merchant account.`);
  }
}

async function issueAuthToken(context: AccountOperationContext, tpn: string, minutes: number): Promise<AuthToken> {
  const { account, now, signer } = context;
  const scope = ROLE_SCOPES[account.role].join(' ');
  const { token, claims } = await signer.sign({ sub: account.accountId, scope, tpn }, minutes, now);
  return authTokenOf(token, tpn, claims);
}

function authTokenOf(token: string, tpn: string, claims: TokenClaims): AuthToken {
  return {
    token,
    tpn,
    issuedAt: isoTime(claims.iat * 1000),
    expiresAt: isoTime(claims.exp * 1000),
    graceEndsAt: isoTime((claims.exp + GRACE_PERIOD_MINUTES * 60) * 1000),
  };
}

/** The years ISO 8601 writes in four digits (0000–9999), as epoch ms. */
const EARLIEST_ISO_TIME = -62_167_219_200_000;
const LATEST_ISO_TIME = 253_402_300_799_999;

/** ISO 8601 text of an epoch-ms time; never throws: out-of-range times are clamped to 0000–9999, NaN is 1970. */
export function isoTime(ms: number): string {
  const bounded = Number.isFinite(ms) ? Math.min(Math.max(ms, EARLIEST_ISO_TIME), LATEST_ISO_TIME) : 0;
  return new Date(bounded).toISOString();
}
