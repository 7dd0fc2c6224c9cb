/**
 * `npx ipos-credential-elements keys`: a new data key and a new RS256 signing key, printed as an environment
 * file for `serve` (the PEM on one line, its newlines written `\n`), or with `--json` in the exact form of the
 * server kit's `dataKeys` and `signingKey` options.
 */
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { DataKeyring } from '../server/index.js';

export interface NewKeys {
  dataKeys: DataKeyring & { keys: Record<string, string> };
  signingKey: { privateKey: string; kid: string };
}

export async function makeKeys(now = new Date()): Promise<NewKeys> {
  const id = `${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const { n, e } = await exportJWK(publicKey);
  return {
    dataKeys: { currentKeyId: id, keys: { [id]: randomBytes(32).toString('base64') } },
    signingKey: { privateKey: await exportPKCS8(privateKey), kid: await calculateJwkThumbprint({ kty: 'RSA', n, e }) },
  };
}

export function keysAsEnvironment(keys: NewKeys, now = new Date()): string {
  const id = keys.dataKeys.currentKeyId;
  return [
    `# ipos-credential-elements keys, made ${now.toISOString()}. Keep them secret: a secrets manager, or a file only the service's user reads.`,
    `# The data key seals secrets at rest (server option dataKeys: { currentKeyId: '${id}', keys: { '${id}': '<the base64 after the colon>' } }).`,
    `# To rotate, put a new key first and keep the old ones after it: IPOS_DATA_KEYS=new-id:new-key,${id}:…`,
    `IPOS_DATA_KEYS=${id}:${keys.dataKeys.keys[id]}`,
    '# The RS256 key that signs Auth Tokens (server option signingKey: { privateKey: <the PEM>, kid }), and its kid.',
    `IPOS_SIGNING_KEY_ID=${keys.signingKey.kid}`,
    `IPOS_SIGNING_KEY="${keys.signingKey.privateKey.trim().replace(/\n/g, '\\n')}"`,
    '',
  ].join('\n');
}
