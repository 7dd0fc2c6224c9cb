/**
 * iPOSpays' `POST /v1/authenticate-token`, served beside the contract: the keys in headers, iPOSpays' success
 * body and `AUTH_ERR_00x` errors. The hot path: one read, the signature outside any transaction.
 */
import type { AuthenticateTokenResponse } from '../contract/schemas.js';
import { ROLE_SCOPES } from '../contract/roles.js';
import { Problem, type Answer } from './answer.js';
import { DECOY_CONTEXT, secretsMatch } from './crypto.js';
import { isoTime, previousSecretValid, type OperationContext } from './operations.js';
import type { CredentialStore } from './store.js';
import { DEFAULT_TOKEN_MINUTES, MAX_TOKEN_MINUTES } from './tokens.js';

/**
 * Answers one authenticate-token request. `accepts` lets a host limit which accounts this endpoint serves
 * (the demo: one session's).
 */
export async function authenticateToken(
  context: Omit<OperationContext, 'tx'>,
  store: Pick<CredentialStore, 'autocommit'>,
  accepts: (accountId: string) => boolean,
): Promise<Answer> {
  const { request, now, source, signer, box } = context;
  const apiKey = request.headers.get('apiKey');
  const secretKey = request.headers.get('secretKey');
  if (!apiKey) throw new Problem(401, 'AUTH_ERR_001', 'API Key required');
  if (!secretKey) throw new Problem(401, 'AUTH_ERR_002', 'Secret Key required');
  const requested = request.headers.get('jwtTokenExpiryMinutes');
  // Digits only: `Number()` alone would take '0x10', '1e2' and ' 10 '.
  const minutes = requested === null ? DEFAULT_TOKEN_MINUTES : /^\d{1,4}$/.test(requested) ? Number(requested) : NaN;
  const indexes = await box.indexes(apiKey);
  const found = await store.autocommit((tx) => tx.keysByApiKeyIndex(indexes));
  const row = found && accepts(found.accountId) ? found : null;
  // The same work whatever the key: two AES-GCM opens and two full comparisons, a decoy standing in for a secret
  // an unknown key (or a row with no open grace window) does not have. The answer's time tells nothing.
  const decoy = await box.decoy();
  const current = row ? box.open(row.secret, row.accountId) : box.open(decoy, DECOY_CONTEXT);
  // The previous secret of a grace window counts only while the window is open, by this request's time.
  const graceOpen = row !== null && previousSecretValid(row, now);
  const previous = graceOpen ? box.open(row.previousSecret!, row.accountId) : box.open(decoy, DECOY_CONTEXT);
  const [currentMatches, previousMatches] = [
    secretsMatch(await current, secretKey),
    secretsMatch(await previous, secretKey),
  ];
  const matches = row !== null && row.apiKey === apiKey && (currentMatches || (graceOpen && previousMatches));
  const event = { at: now, source, tpn: null, graceMinutes: null };
  if (!matches || !row) {
    await store.autocommit((tx) =>
      tx.appendAudit({
        ...event,
        accountId: row?.accountId ?? null,
        type: 'authentication-failed',
        actorId: null,
        actorName: null,
      }),
    );
    throw new Problem(401, 'AUTH_ERR_004', 'Invalid API Key or Secret Key');
  }
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TOKEN_MINUTES) {
    throw new Problem(
      400,
      'INVALID_EXPIRY',
      `jwtTokenExpiryMinutes must be a whole number from 1 to ${MAX_TOKEN_MINUTES}.`,
    );
  }
  const { token, claims } = await signer.sign(
    { sub: row.accountId, scope: ROLE_SCOPES[row.role].join(' ') },
    minutes,
    now,
  );
  await store.autocommit(async (tx) => {
    await tx.markUsed(row.accountId, now, source);
    await tx.appendAudit({
      ...event,
      accountId: row.accountId,
      type: 'authenticated',
      actorId: row.accountId,
      actorName: null,
    });
  });
  const body: AuthenticateTokenResponse = {
    responseCode: '00',
    responseMessage: 'Success',
    createdDt: isoTime(claims.iat * 1000),
    tokenExpiresInMinutes: minutes,
    token,
  };
  return { status: 200, body };
}
