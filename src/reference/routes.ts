/** The contract's routes and iPOSpays' `/authenticate-token`, as handlers over one session's state. */
import { ROLE_SCOPES, ROLE_TITLES } from '../roles.js';
import * as z from 'zod/mini';
import { OPERATION_IDS, ROUTES, type OperationId, type RouteDefinition } from '../contract/routes.js';
import {
  generateTokenRequestSchema,
  refreshTokenRequestSchema,
  type AuthToken,
  type Credentials,
} from '../contract/schemas.js';
import type { DemoAccount, DemoSession } from './accounts.js';
import { Problem, type Answer } from './answers.js';
import { generateApiKey, generateSecretKey, secretsEqual } from './keys.js';
import {
  DEFAULT_TOKEN_MINUTES,
  GRACE_PERIOD_MINUTES,
  MAX_TOKEN_MINUTES,
  type TokenClaims,
  type TokenSigner,
} from './tokens.js';

/** What every handler gets. */
export interface RouteContext {
  request: Request;
  session: DemoSession;
  /** This session's time, epoch ms. */
  now: number;
  signer: TokenSigner;
}

/** What handlers acting for the demo account get. */
export interface AccountContext extends RouteContext {
  account: DemoAccount;
  /** The parsed JSON body, for routes that take one. */
  body: unknown;
}

export type RouteSpec =
  | {
      /** Acts for the account named by `X-Ipos-Demo-Account`. */
      actor: 'demo-account';
      /** Terminals and tokens exist for merchants only: anyone else gets 403. */
      merchantOnly?: boolean;
      /** Takes a JSON body (checked for type, size and syntax before the handler runs). */
      jsonBody?: boolean;
      /** A repeated `Idempotency-Key` replays the first answer. */
      replayable?: boolean;
      handle(context: AccountContext): Answer | Promise<Answer>;
    }
  | {
      /** Acts for the account the `apiKey`/`secretKey` headers prove (iPOSpays' own API). */
      actor: 'keys';
      handle(context: RouteContext): Answer | Promise<Answer>;
    };

const INVALID_TPN = 'tpn must be a string of exactly 12 digits, a Terminal Profile Number such as 139322815010.';
const INVALID_EXPIRY = `expiresInMinutes must be a whole number of minutes from 1 to ${MAX_TOKEN_MINUTES} (24 hours); omit it for ${DEFAULT_TOKEN_MINUTES}.`;
const KEYS_NOT_FOUND = new Problem(
  404,
  'KEYS_NOT_FOUND',
  'This account has no API key yet: generate the keys first (POST /credentials).',
);

/** What the reference backend does for each operation of the contract. */
const CONTRACT_HANDLERS: Record<OperationId, (context: AccountContext) => Answer | Promise<Answer>> = {
  getCredentials: ({ account }) => ({ status: 200, body: credentialsOf(account) }),
  generateKeys,
  revealSecret,
  resetSecret,
  listTerminals: ({ account }) => ({ status: 200, body: { terminals: account.terminals } }),
  generateToken,
  refreshToken,
};

/** iPOSpays' own token API, modelled here so anyone can prove which secret works. */
export const AUTHENTICATE_TOKEN_PATH = '/authenticate-token';

/** Routes by path (relative to the base path), then method: the contract's table, plus iPOSpays' token API. */
export const REFERENCE_ROUTES: Readonly<Record<string, Readonly<Record<string, RouteSpec>>>> = (() => {
  const routes: Record<string, Record<string, RouteSpec>> = {};
  for (const id of OPERATION_IDS) {
    const route: RouteDefinition = ROUTES[id];
    (routes[route.path] ??= {})[route.method] = {
      actor: 'demo-account',
      merchantOnly: route.merchantOnly,
      jsonBody: route.request !== undefined,
      replayable: route.idempotent,
      handle: CONTRACT_HANDLERS[id],
    };
  }
  routes[AUTHENTICATE_TOKEN_PATH] = { POST: { actor: 'keys', handle: authenticateToken } };
  return routes;
})();

/** iPOSpays' `POST /v1/authenticate-token` success body. */
export const authenticateTokenResponseSchema = z.object({
  responseCode: z.literal('00'),
  responseMessage: z.string(),
  createdDt: z.iso.datetime({ offset: true }),
  tokenExpiresInMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_TOKEN_MINUTES)),
  token: z.string(),
});

export type AuthenticateTokenResponse = z.infer<typeof authenticateTokenResponseSchema>;

/** The 403 for an account that has no terminals. */
export function merchantOnlyProblem(account: DemoAccount): Problem {
  return new Problem(
    403,
    'ROLE_FORBIDDEN',
    `Only Merchant Admin accounts have terminals (TPNs) and Auth Tokens; this is an ${ROLE_TITLES[account.role]} account.`,
  );
}

function credentialsOf(account: DemoAccount): Credentials {
  const { keys } = account;
  return {
    role: account.role,
    scopes: [...ROLE_SCOPES[account.role]],
    keys: keys && {
      apiKey: keys.apiKey,
      secretKeyHint: keys.secretKey.slice(-4),
      createdAt: isoTime(keys.createdAt),
      secretRotatedAt: isoTime(keys.secretRotatedAt),
    },
  };
}

function generateKeys({ account, now }: AccountContext): Answer {
  if (account.keys) {
    throw new Problem(
      409,
      'KEYS_EXIST',
      'This account already has an API key and secret key; reset the secret key to get a new one.',
    );
  }
  account.keys = { apiKey: generateApiKey(), secretKey: generateSecretKey(), createdAt: now, secretRotatedAt: now };
  return { status: 201, body: credentialsOf(account) };
}

function revealSecret({ account }: AccountContext): Answer {
  if (!account.keys) throw KEYS_NOT_FOUND;
  return { status: 200, body: { secretKey: account.keys.secretKey } };
}

function resetSecret({ account, now }: AccountContext): Answer {
  if (!account.keys) throw KEYS_NOT_FOUND;
  // The old secret stops working now: /authenticate-token compares against this one only.
  account.keys = { ...account.keys, secretKey: generateSecretKey(), secretRotatedAt: now };
  return { status: 200, body: credentialsOf(account) };
}

async function generateToken({ account, body, now, signer }: AccountContext): Promise<Answer> {
  const parsed = generateTokenRequestSchema.safeParse(body);
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
  requireOwnTerminal(account, tpn);
  return { status: 201, body: await issueAuthToken(account, tpn, expiresInMinutes, now, signer) };
}

async function refreshToken({ account, body, now, signer }: AccountContext): Promise<Answer> {
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
  if (claims.sub !== account.id)
    throw new Problem(401, 'TOKEN_WRONG_ACCOUNT', 'The token was issued to another account.');
  requireOwnTerminal(account, tpn);
  // A refresh keeps the lifetime the token was generated with.
  const lifetimeMinutes = Math.round((claims.exp - claims.iat) / 60);
  return { status: 200, body: await issueAuthToken(account, tpn, lifetimeMinutes, now, signer) };
}

/** iPOSpays' `POST /v1/authenticate-token`: keys in headers, its success body and `AUTH_ERR_00x` errors. */
async function authenticateToken({ request, session, now, signer }: RouteContext): Promise<Answer> {
  const apiKey = request.headers.get('apiKey');
  const secretKey = request.headers.get('secretKey');
  if (!apiKey) throw new Problem(401, 'AUTH_ERR_001', 'API Key required');
  if (!secretKey) throw new Problem(401, 'AUTH_ERR_002', 'Secret Key required');
  const account = session.accountByApiKey(apiKey);
  if (!account?.keys || !secretsEqual(account.keys.secretKey, secretKey)) {
    throw new Problem(401, 'AUTH_ERR_004', 'Invalid API Key or Secret Key');
  }
  const requested = request.headers.get('jwtTokenExpiryMinutes');
  // Digits only: `Number()` alone would take '0x10', '1e2' and ' 10 '.
  const minutes = requested === null ? DEFAULT_TOKEN_MINUTES : /^\d{1,4}$/.test(requested) ? Number(requested) : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TOKEN_MINUTES) {
    throw new Problem(
      400,
      'INVALID_EXPIRY',
      `jwtTokenExpiryMinutes must be a whole number from 1 to ${MAX_TOKEN_MINUTES}.`,
    );
  }
  const { token, claims } = await signer.sign(
    { sub: account.id, scope: ROLE_SCOPES[account.role].join(' ') },
    minutes,
    now,
  );
  const body: AuthenticateTokenResponse = {
    responseCode: '00',
    responseMessage: 'Success',
    createdDt: isoTime(claims.iat * 1000),
    tokenExpiresInMinutes: minutes,
    token,
  };
  return { status: 200, body };
}

function requireOwnTerminal(account: DemoAccount, tpn: string): void {
  if (!account.terminals.some((terminal) => terminal.tpn === tpn)) {
    throw new Problem(400, 'UNKNOWN_TPN', `TPN ${tpn} is not a terminal of this merchant account.`);
  }
}

async function issueAuthToken(
  account: DemoAccount,
  tpn: string,
  minutes: number,
  now: number,
  signer: TokenSigner,
): Promise<AuthToken> {
  const scope = ROLE_SCOPES[account.role].join(' ');
  const { token, claims } = await signer.sign({ sub: account.id, scope, tpn }, minutes, now);
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

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
