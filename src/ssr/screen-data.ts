/**
 * The data a server renders the screen from, checked with the contract's guards before anything is rendered:
 * a field the contract does not have (such as a `secretKey` pasted in by mistake) is dropped, and malformed
 * data is refused with an Error that says what is wrong (never quoting a value).
 */
import type { ActivityPage, Credentials, Terminal } from '../contract/bodies.js';
import { describeIssues } from '../contract/describe-issues.js';
import { activityPageGuard, credentialsGuard, terminalListGuard, type Guard } from '../contract/guards.js';
import { isUserRole, type UserRole } from '../contract/roles.js';

/** What the server renders: the role's screen for one account. */
export interface ScreenData {
  role: UserRole;
  credentials: Credentials | null;
  terminals?: Terminal[];
  activity?: ActivityPage;
}

/** A secret key anywhere in a string: the screen is never rendered with one. */
export const SECRET_IN_TEXT = /dskey_[A-Za-z0-9_-]{8,}/;

export function checkScreenData(input: {
  role: unknown;
  credentials: unknown;
  terminals?: unknown;
  activity?: unknown;
}): ScreenData {
  const { role } = input;
  if (!isUserRole(role)) {
    throw new Error(`renderCredentialsScreen: role must be "merchant", "iso" or "agent", not ${JSON.stringify(role)}.`);
  }
  // Forgotten is not "no keys yet" (which would offer Generate to an account that has keys): `null` says that.
  if (input.credentials === undefined) {
    throw new Error(
      "renderCredentialsScreen: credentials is required: GET /credentials's answer, or null for an account with no keys.",
    );
  }
  const credentials = input.credentials === null ? null : checked('credentials', credentialsGuard, input.credentials);
  if (credentials && credentials.role !== role) {
    throw new Error(`renderCredentialsScreen: the credentials are a ${credentials.role}'s, the screen is a ${role}'s.`);
  }
  const data: ScreenData = { role, credentials };
  if (input.terminals !== undefined) {
    data.terminals = checked('terminals', terminalListGuard, { terminals: input.terminals }).terminals;
  }
  if (input.activity !== undefined) data.activity = checked('activity', activityPageGuard, input.activity);
  // A secret in a free-text field (a terminal label, an activity actor) would be rendered as it is.
  if (SECRET_IN_TEXT.test(JSON.stringify(data))) {
    throw new Error(
      'renderCredentialsScreen: the data holds a secret key (dskey_…); the screen is never rendered with one.',
    );
  }
  return data;
}

function checked<T>(name: string, guard: Guard<T>, value: unknown): T {
  const result = guard.safeParse(value);
  if (result.success) return result.data;
  throw new Error(`renderCredentialsScreen: malformed ${name} (${describeIssues(result.error.issues)}).`);
}
