/** Keys made by the package's own `keys` command, the way an operator makes them. */
import { expect } from 'vitest';
import type { SecretsSeen } from './leaks.js';
import { runBin } from './service-process.js';

export interface MadeKeys {
  /** `keys --json`: the server kit's `dataKeys` and `signingKey` options. */
  dataKeys: { currentKeyId: string; keys: Record<string, string> };
  signingKey: { privateKey: string; kid: string };
  /** The same keys as the service's settings. */
  env: { IPOS_DATA_KEYS: string; IPOS_SIGNING_KEY: string };
}

/** `keys --json`; the key material joins `secrets`, for the leak scan. */
export async function madeKeys(secrets?: SecretsSeen): Promise<MadeKeys> {
  const run = runBin(['keys', '--json']);
  expect(await run.exited).toBe(0);
  const { dataKeys, signingKey } = JSON.parse(run.stdout()) as Omit<MadeKeys, 'env'>;
  const dataKey = dataKeys.keys[dataKeys.currentKeyId] as string;
  secrets?.add(dataKey);
  secrets?.addPem(signingKey.privateKey);
  return {
    dataKeys,
    signingKey,
    env: { IPOS_DATA_KEYS: `${dataKeys.currentKeyId}:${dataKey}`, IPOS_SIGNING_KEY: signingKey.privateKey },
  };
}

/** `keys` as it prints by default, an environment file, read the way a shell or systemd reads one. */
export async function keysEnvironmentFile(secrets?: SecretsSeen): Promise<Record<string, string>> {
  const run = runBin(['keys']);
  expect(await run.exited).toBe(0);
  const env = Object.fromEntries(
    run
      .stdout()
      .split('\n')
      .filter((line) => /^IPOS_[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  secrets?.add(env['IPOS_DATA_KEYS']?.split(':')[1]);
  if (env['IPOS_SIGNING_KEY']) secrets?.addPem(env['IPOS_SIGNING_KEY']);
  return env;
}
