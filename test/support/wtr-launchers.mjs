// web-test-runner's launcher for each engine: Chromium through Playwright, Firefox through Puppeteer over
// WebDriver BiDi, WebKit through WebdriverIO against WebKitGTK's WebDriver.
import { chromeLauncher } from '@web/test-runner-chrome';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteer from 'puppeteer-core';
import { chromiumArgs, chromiumExecutablePath } from './chromium.mjs';
import { ENGINE_LABELS } from './engines.mjs';
import { firefoxLaunchOptions } from './firefox.mjs';
import { startWebKitDriver, webkitCapabilities } from './webkit.mjs';

/** Test files run at once per engine. Firefox and WebKit run each file in a browser of its own (see LauncherPool). */
const CONCURRENCY = 2;

/** @param {import('./engines.mjs').Engine} engine */
export async function launcherFor(engine) {
  switch (engine) {
    case 'chromium':
      return playwrightLauncher({
        product: 'chromium',
        launchOptions: { executablePath: await chromiumExecutablePath(), args: chromiumArgs, headless: true },
        concurrency: CONCURRENCY,
      });
    case 'firefox':
      return new LauncherPool(ENGINE_LABELS.firefox, CONCURRENCY, () =>
        chromeLauncher({
          puppeteer,
          launchOptions: firefoxLaunchOptions(),
          // In front: Firefox stops a background tab's animation frames and matches :focus only in the
          // active tab of the focused window (a new window is not focused).
          createPage: async ({ context }) => {
            const page = await context.newPage();
            await page.bringToFront();
            return page;
          },
        }),
      );
    case 'webkit':
      return new LauncherPool(ENGINE_LABELS.webkit, CONCURRENCY, () => new WebKitLauncher());
  }
}

/**
 * WebdriverIO against a WebKitWebDriver and Xvfb of its own, started with the run and stopped after it. One test
 * file at a time, in the top-level window (web-test-runner's iframes side by side would share focus and keyboard).
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    super({ capabilities: { ...webkitCapabilities } });
  }

  async initialize(config, testFiles) {
    this.driverProcess = await startWebKitDriver();
    Object.assign(this.options, { hostname: this.driverProcess.hostname, port: this.driverProcess.port });
    await super.initialize({ ...config, concurrency: 1 }, testFiles);
  }

  async stop() {
    await super.stop();
    await this.driverProcess?.stop();
  }
}

/**
 * Several browsers of one engine behind one launcher, each running one test file at a time: a browser has one
 * focused window, and a test that checks focus must have it. web-test-runner sees one browser with that concurrency.
 */
class LauncherPool {
  /** @param {() => import('@web/test-runner-core').BrowserLauncher} makeLauncher */
  constructor(name, size, makeLauncher) {
    this.name = name;
    this.concurrency = size;
    this.launchers = Array.from({ length: size }, makeLauncher);
    this.type = this.launchers[0].type;
    /** @type {Map<string, import('@web/test-runner-core').BrowserLauncher>} */
    this.running = new Map();
  }

  async initialize(config, testFiles) {
    await Promise.all(this.launchers.map((launcher) => launcher.initialize(config, testFiles)));
  }

  async stop() {
    await Promise.all(this.launchers.map((launcher) => launcher.stop()));
  }

  startSession(sessionId, url) {
    const busy = new Set(this.running.values());
    const free = this.launchers.find((launcher) => !busy.has(launcher));
    if (!free) throw new Error(`${this.name}: more test files started than the pool's ${this.concurrency} browsers`);
    this.running.set(sessionId, free);
    return free.startSession(sessionId, url);
  }

  async stopSession(sessionId) {
    try {
      return await this.launcherOf(sessionId).stopSession(sessionId);
    } finally {
      this.running.delete(sessionId);
    }
  }

  isActive(sessionId) {
    return this.running.get(sessionId)?.isActive(sessionId) ?? false;
  }

  startDebugSession(sessionId, url) {
    return this.launchers[0].startDebugSession(sessionId, url);
  }

  launcherOf(sessionId) {
    const launcher = this.running.get(sessionId);
    if (!launcher) throw new Error(`${this.name}: no browser runs session ${sessionId}`);
    return launcher;
  }
}

// What web-test-runner and its command plugins (sendKeys, emulateMedia, …) ask of the browser running a session.
for (const method of [
  'getBrowserUrl',
  'getPage',
  'sendKeys',
  'sendMouseMove',
  'sendMouseClick',
  'sendMouseDown',
  'sendMouseUp',
  'resetMouse',
  'takeScreenshot',
]) {
  LauncherPool.prototype[method] = function (sessionId, ...rest) {
    return this.launcherOf(sessionId)[method](sessionId, ...rest);
  };
}
