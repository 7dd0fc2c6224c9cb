// One place that decides which Chromium every test runner launches (web-test-runner, vitest browser, Playwright).
// Order: CHROME_PATH, an installed Chrome/Chromium, then the headless Chromium shipped inside @sparticuz/chromium.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Flags that keep Chromium quiet on a machine with no network but loopback. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const installedNames = ['google-chrome-stable', 'google-chrome', 'chromium', 'chromium-browser', 'chrome'];
const usualPlaces = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function findOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of installedNames) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return usualPlaces.find((place) => existsSync(place));
}

let resolved;

/** @returns {Promise<string>} absolute path of the Chromium executable to launch */
export function chromiumExecutablePath() {
  resolved ??= resolveChromium();
  return resolved;
}

async function resolveChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH is set to "${fromEnv}", but no file is there.`);
    return fromEnv;
  }
  const installed = findOnPath();
  if (installed) return installed;
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    return await packaged.executablePath();
  } catch (cause) {
    throw new Error(
      'No Chromium found for the tests. Set CHROME_PATH to a Chrome or Chromium executable, ' +
        'or run `npm install` so that the @sparticuz/chromium devDependency provides one.',
      { cause },
    );
  }
}

/**
 * Launches Chromium, and once more if its process dies while starting: the packaged headless build has been seen to
 * crash at start (a SIGSEGV within its first second, once in seven loaded runs of the whole suite), which says
 * nothing of the code under test. A second failure is reported as it is; a browser that dies later fails its tests.
 * @template T
 * @param {() => Promise<T>} launch
 * @returns {Promise<T>}
 */
export async function retryingStartCrash(launch) {
  try {
    return await launch();
  } catch (error) {
    if (!/has been closed|process did exit|browser has disconnected/i.test(String(error?.message))) throw error;
    console.warn(`Chromium died while starting; starting it once more. (${String(error.message).split('\n')[0]})`);
    return launch();
  }
}
