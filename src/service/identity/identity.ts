/**
 * Who is calling, for a service that cannot read the portal's session: every request carries proof the
 * portal made (a JWT, or headers it signed). A reader returns the caller or throws a `Problem` (401: no
 * or bad proof; 503: the proof cannot be checked right now).
 */
import { USER_ROLES, type UserRole } from '../../contract/vocabulary.js';
import type { Terminal } from '../../contract/schemas.js';
import { Problem, type ServerAccount } from '../../server/index.js';

export interface Caller {
  account: ServerAccount;
  /** Terminals the proof itself carried (a JWT claim); undefined when it carried none. */
  terminals?: readonly Terminal[];
}

export type IdentityReader = (request: Request) => Promise<Caller>;

/** 401 with a reason the portal's developers can act on; never the token or a header's value. */
export function unauthenticated(reason: string): Problem {
  return new Problem(401, 'UNAUTHENTICATED', reason);
}

const MAX_ACCOUNT_ID_LENGTH = 255;
const MAX_NAME_LENGTH = 200;

/** The account from the portal's values, refused with a reason naming `where` (a claim or a header). */
export function accountOf(
  values: { accountId: unknown; role: unknown; name: unknown },
  where: { accountId: string; role: string; name: string },
): ServerAccount {
  const { accountId, role, name } = values;
  if (typeof accountId !== 'string' || accountId === '' || accountId.length > MAX_ACCOUNT_ID_LENGTH) {
    throw unauthenticated(
      `The identity has no account id (${where.accountId}): a string of 1–${MAX_ACCOUNT_ID_LENGTH} characters.`,
    );
  }
  if (!USER_ROLES.includes(role as UserRole)) {
    throw unauthenticated(`The identity has no valid role (${where.role}): expected ${USER_ROLES.join(', ')}.`);
  }
  if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)) {
    throw unauthenticated(
      `The identity's display name (${where.name}) must be a string of at most ${MAX_NAME_LENGTH} characters.`,
    );
  }
  return { accountId, role: role as UserRole, ...(typeof name === 'string' && name !== '' ? { name } : {}) };
}
