// One place that decides which Firefox the tests launch (web-test-runner and the end-to-end tests), and how.
// Puppeteer drives it over WebDriver BiDi, so no geckodriver and no Firefox build of Playwright's own.
// Order: FIREFOX_PATH, then Firefox ESR or Firefox on the PATH or in the usual places.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const installedNames = ['firefox-esr', 'firefox'];
const usualPlaces = [
  '/usr/bin/firefox-esr',
  '/usr/bin/firefox',
  '/usr/lib/firefox-esr/firefox-esr',
  '/usr/lib/firefox/firefox',
  '/Applications/Firefox.app/Contents/MacOS/firefox',
];

/** @returns {string} absolute path of the Firefox executable to launch */
export function firefoxExecutablePath() {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FIREFOX_PATH is set to "${fromEnv}", but no file is there.`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of installedNames) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  const found = usualPlaces.find((place) => existsSync(place));
  if (found) return found;
  throw new Error(
    "No Firefox found for the tests. Install Debian's firefox-esr (`apt-get install firefox-esr`, as .ci/run does), " +
      'set FIREFOX_PATH, or leave Firefox out with TEST_ENGINES (see docs/contributing.md).',
  );
}

/**
 * Puppeteer's launch options for Firefox: headless, over BiDi.
 * @returns {{ browser: 'firefox', executablePath: string, headless: true }}
 */
export function firefoxLaunchOptions() {
  return { browser: 'firefox', executablePath: firefoxExecutablePath(), headless: true };
}
