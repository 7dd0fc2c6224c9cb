import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, USER_ROLES, isUserRole } from '../../../src/contract/roles.js';

describe('roles', () => {
  it('assigns the release note scopes to each role', () => {
    expect(ROLE_SCOPES.merchant).toEqual(['PaymentTokenization', 'Recurring', 'BatchReport']);
    expect(ROLE_SCOPES.iso).toEqual(['ExternalApi']);
    expect(ROLE_SCOPES.agent).toEqual(['ExternalApi']);
  });
  it('accepts exactly merchant, iso and agent', () => {
    expect(USER_ROLES.every(isUserRole)).toBe(true);
    for (const value of ['Merchant', 'admin', '', null, undefined, 1]) expect(isUserRole(value)).toBe(false);
  });
});
