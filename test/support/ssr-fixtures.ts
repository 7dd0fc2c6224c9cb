import type { ActivityPage, Credentials, Terminal } from '../../src/contract/bodies.js';

/** A merchant's credentials as the server kit would read them for the signed-in account (no secret). */
export const merchantCredentials: Credentials = {
  role: 'merchant',
  scopes: ['PaymentTokenization', 'Recurring', 'BatchReport', 'ExternalApi'],
  keys: {
    apiKey: 'dakey_SsrRenderedApiKey0123456789abcdef',
    secretKeyHint: 'Wq7Z',
    createdAt: '2026-03-01T09:30:00.000Z',
    secretRotatedAt: '2026-03-02T10:45:00.000Z',
  },
};

export const isoCredentials: Credentials = {
  role: 'iso',
  scopes: ['BatchReport', 'ExternalApi'],
  keys: { ...merchantCredentials.keys!, apiKey: 'dakey_SsrRenderedIsoKey0123456789abcdef' },
};

export const merchantTerminals: Terminal[] = [
  { tpn: '139322815010', label: 'Front desk' },
  { tpn: '139322815011', label: 'Patio' },
];

export const emptyActivity: ActivityPage = { events: [], nextCursor: null };

/** A secret key of the contract's shape: it must never reach the rendered HTML. */
export const SECRET = 'dskey_ThisSecretMustNeverBeRendered0123';
