/** The contract's fixed vocabularies: who can sign in and what keys can access. */

/** The value of the `user-role` attribute: the kind of admin who is signed in. */
export type UserRole = 'merchant' | 'iso' | 'agent';

/** Every accepted `user-role` value, in the order error messages name them. */
export const USER_ROLES = ['merchant', 'iso', 'agent'] as const satisfies readonly UserRole[];

/** Every access scope the backend attaches to keys automatically. */
export const SCOPES = ['PaymentTokenization', 'Recurring', 'BatchReport', 'ExternalApi'] as const;

/** An access scope the backend attaches to keys automatically. */
export type Scope = (typeof SCOPES)[number];

/** What an event of the activity trail records, in the contract's words. */
export const ACTIVITY_TYPES = [
  'keys-generated',
  'secret-revealed',
  'secret-reset',
  'previous-secret-revoked',
  'token-generated',
  'token-refreshed',
  'authenticated',
  'authentication-failed',
  'role-changed',
] as const;

/** What an activity event records. */
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** A reset's `graceMinutes`: how long the previous secret keeps working, 0 (it stops at once) to a day. */
export const GRACE_MINUTES = { min: 0, max: 1440 } as const;
