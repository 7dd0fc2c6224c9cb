/**
 * What `npm start` keeps between runs (scripts/start.mjs sets IPOS_DEMO_STORE): an embedded PGlite
 * database in .ipos-demo-data/ (git-ignored), with the demo's own data key and token signing key beside
 * it, so keys and tokens survive a restart. A real portal takes its keys from its secret store instead.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReferenceServerOptions } from '../src/reference/reference-server.js';
import { pgliteStore } from '../src/server/stores/pglite.js';

export const DEMO_DATA_DIR = '.ipos-demo-data';

interface DemoKeys {
  dataKey: string;
  signingKey: string;
}

/** The reference server options of the persistent demo; `{}` (memory) unless IPOS_DEMO_STORE is `pglite`. */
export async function demoPersistence(root: string): Promise<Partial<ReferenceServerOptions>> {
  if (process.env['IPOS_DEMO_STORE'] !== 'pglite') return {};
  const folder = join(root, DEMO_DATA_DIR);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  holdLock(join(folder, 'lock'));
  const keysFile = join(folder, 'demo-keys.json');
  if (!existsSync(keysFile)) {
    const keys: DemoKeys = {
      dataKey: randomBytes(32).toString('base64'),
      signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    };
    writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  }
  const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys;
  return {
    store: await pgliteStore({ dataDir: join(folder, 'pglite') }),
    dataKeys: { currentKeyId: 'demo', keys: { demo: keys.dataKey } },
    signingKey: { privateKey: keys.signingKey },
  };
}

/** One process per PGlite folder: a second `npm start` is told to use `--memory` instead of corrupting it. */
function holdLock(lock: string): void {
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`Another demo (pid ${pid}) uses ${DEMO_DATA_DIR}/: stop it, or run npm start -- --memory.`);
    }
  }
  writeFileSync(lock, String(process.pid));
  process.on('exit', () => rmSync(lock, { force: true }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
