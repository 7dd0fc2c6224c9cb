/**
 * What `resolveAccount` answers, checked before anything is stored under it. The account id keys every row, so
 * it must be exactly what the host meant: a string a database keeps as it is (well-formed Unicode — an unpaired
 * surrogate would become U+FFFD and two ids one row — no control characters, NUL above all) of at most
 * `MAX_ACCOUNT_ID_LENGTH` characters. A bad id is the host's bug: answered 500 with a log line naming
 * resolveAccount, never stored. The display name is only shown: it is made safe and cut to `MAX_NAME_LENGTH`.
 */
import { USER_ROLES, isUserRole } from '../contract/roles.js';
import type { ServerAccount } from './operations.js';

/** Longest account id, in UTF-16 code units: room for any UUID, email address or tenant-qualified id. */
export const MAX_ACCOUNT_ID_LENGTH = 200;
/** Longest display name kept in the audit log, in code points; a longer one is cut. */
export const MAX_NAME_LENGTH = 200;

const CONTROL_CHARACTERS = /\p{Cc}/u;
/** With the `u` flag a surrogate range matches only a surrogate that is not half of a pair. */
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why `accountId` cannot key rows, or null when it can. */
export function accountIdProblem(accountId: unknown): string | null {
  if (typeof accountId !== 'string' || accountId === '') return 'must be a non-empty string';
  if (accountId.length > MAX_ACCOUNT_ID_LENGTH) {
    return `must be at most ${MAX_ACCOUNT_ID_LENGTH} characters (this one has ${accountId.length})`;
  }
  if (UNPAIRED_SURROGATE.test(accountId)) return 'must be well-formed Unicode (it has an unpaired surrogate)';
  if (CONTROL_CHARACTERS.test(accountId)) return 'must have no control characters (NUL, line breaks, …)';
  return null;
}

/** The account `resolveAccount` gave, checked (see the module header); throws an `Error` (a 500) when it is bad. */
export function checkedAccount(account: ServerAccount): ServerAccount {
  const problem = typeof account === 'object' ? accountIdProblem(account.accountId) : 'is missing';
  if (problem !== null || !isUserRole(account.role)) {
    throw new Error(
      `resolveAccount() must return { accountId, role: ${USER_ROLES.join(' | ')}, name? } or null; ${problem === null ? `the role ${JSON.stringify(String(account.role).slice(0, 32))} is not one of them` : `its accountId ${problem}`}.`,
    );
  }
  const { accountId, role, name } = account;
  return { accountId, role, ...(typeof name === 'string' && name !== '' && { name: displayName(name) }) };
}

/** A name safe to store and show: well-formed, control characters as spaces, at most `MAX_NAME_LENGTH` code points. */
function displayName(name: string): string {
  const clean = name.replace(/[\uD800-\uDFFF]/gu, '\uFFFD').replace(/\p{Cc}/gu, ' ');
  const points = [...clean];
  return points.length > MAX_NAME_LENGTH ? points.slice(0, MAX_NAME_LENGTH).join('') : clean;
}
