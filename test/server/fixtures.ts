/** What the server tests and their child processes share (no test runner imports: children load it too). */
import { generateKeyPairSync } from 'node:crypto';
import {
  createCredentialsServer,
  type CredentialsServer,
  type CredentialsServerOptions,
} from '../../src/server/credentials-server.js';
import type { DataKeyring } from '../../src/server/crypto.js';
import type { CredentialStore } from '../../src/server/store.js';

export const TERMINALS = [
  { tpn: '139322815010', label: 'Front desk' },
  { tpn: '139322815011', label: 'Drive-through' },
];

/** A fixed keyring, so that several servers (and processes) read each other's rows. */
export const KEYRING: DataKeyring = {
  currentKeyId: 'k1',
  keys: { k1: Buffer.alloc(32, 7).toString('base64') },
};

/** One RS256 key per test process: durable stores require a signing key, as a portal's would. */
export const SIGNING_KEY = {
  privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
};

/** A server whose caller is named by test headers: `X-Test-Account` (id) and `X-Test-Role`. */
export function testServer(store: CredentialStore, options: Partial<CredentialsServerOptions> = {}): CredentialsServer {
  return createCredentialsServer({
    store,
    dataKeys: KEYRING,
    signingKey: SIGNING_KEY,
    rateLimits: false,
    logError: () => {},
    resolveAccount(request) {
      const accountId = request.headers.get('X-Test-Account');
      const role = request.headers.get('X-Test-Role') ?? 'merchant';
      return accountId ? { accountId, role: role as 'merchant', name: `Admin of ${accountId}` } : null;
    },
    listTerminals: (account) => (account.role === 'merchant' ? TERMINALS : []),
    ...options,
  });
}
