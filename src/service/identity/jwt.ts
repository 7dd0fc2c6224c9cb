/**
 * Identity from a JWT the portal issues (`Authorization: Bearer`, or a cookie), verified with jose against
 * the portal's JWKS (a URL, fetched and cached by jose, or a file): signature, algorithm, issuer, audience,
 * expiry with a clock tolerance. Claims named by the configuration give the account, role, name, terminals.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { TPN_PATTERN } from '../../contract/patterns.js';
import type { Terminal } from '../../contract/schemas.js';
import { Problem } from '../../server/index.js';
import type { ClaimNames, IdentityConfig } from '../config.js';
import { accountOf, unauthenticated, type IdentityReader } from './identity.js';

/** jose's refusals of the token itself: a 401. Anything else (the JWKS unreachable, malformed) is ours: 503. */
const REFUSALS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

export function jwtIdentity(config: Extract<IdentityConfig, { kind: 'jwt' }>): IdentityReader {
  const keys =
    'url' in config.jwks
      ? createRemoteJWKSet(config.jwks.url, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 })
      : createLocalJWKSet(config.jwks.keys);
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
    algorithms: config.algorithms,
  };
  return async (request) => {
    const token = bearerToken(request) ?? cookieValue(request, config.cookie);
    if (!token) throw unauthenticated('Sign in: this request carries no identity token.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, options));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The identity token has expired: sign in again.');
      if (REFUSALS.some((refusal) => error instanceof refusal))
        throw unauthenticated('The identity token was refused.');
      throw new Problem(503, 'IDENTITY_UNAVAILABLE', "The portal's signing keys cannot be read right now; try again.", {
        'Retry-After': '5',
      });
    }
    const account = accountOf(
      {
        accountId: payload[config.claims.accountId],
        role: payload[config.claims.role],
        name: payload[config.claims.name],
      },
      {
        accountId: `claim ${config.claims.accountId}`,
        role: `claim ${config.claims.role}`,
        name: `claim ${config.claims.name}`,
      },
    );
    const terminals = terminalsClaim(payload, config.claims);
    return terminals === undefined ? { account } : { account, terminals };
  };
}

function bearerToken(request: Request): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(request.headers.get('Authorization') ?? '');
  return match?.[1];
}

function cookieValue(request: Request, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  for (const pair of (request.headers.get('Cookie') ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim() || undefined;
  }
  return undefined;
}

/** `[{ tpn, label }]` or `["139322815010", …]`; absent: undefined; anything else refuses the token. */
function terminalsClaim(payload: JWTPayload, claims: ClaimNames): Terminal[] | undefined {
  const value = payload[claims.terminals];
  if (value === undefined) return undefined;
  const terminals = Array.isArray(value)
    ? value.map((item: unknown) =>
        typeof item === 'string'
          ? { tpn: item, label: item }
          : typeof item === 'object' && item !== null
            ? { tpn: (item as Terminal).tpn, label: (item as Terminal).label ?? (item as Terminal).tpn }
            : undefined,
      )
    : [];
  const valid = (terminal: Partial<Terminal> | undefined): terminal is Terminal =>
    typeof terminal?.tpn === 'string' && TPN_PATTERN.test(terminal.tpn) && typeof terminal.label === 'string';
  if (!Array.isArray(value) || !terminals.every(valid)) {
    throw unauthenticated(
      `The identity token's claim ${claims.terminals} must list terminals as [{ "tpn": "139322815010", "label": "…" }] or ["139322815010"].`,
    );
  }
  return terminals;
}
