/**
 * One browser per engine for the end-to-end tests, and a fresh tab in it per test: Chromium through Playwright,
 * Firefox through Puppeteer over WebDriver BiDi, WebKit through WebdriverIO against WebKitGTK's WebDriver. Each
 * launches what test/support resolves for its engine; none downloads a browser.
 */
import { chromium, type Browser as PlaywrightBrowser, type Page as PlaywrightPage } from '@playwright/test';
import * as puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { chromiumArgs, chromiumExecutablePath, retryingStartCrash } from './chromium.mjs';
import { EngineTab, type Key, type Target } from './engine-tab.js';
import type { Engine } from './engines.mjs';
import { firefoxLaunchOptions } from './firefox.mjs';
import { startWebKitDriver, webkitCapabilities } from './webkit.mjs';

export interface EngineBrowser {
  /** A tab with nothing shared with the tests before it (cookies, storage), on the server under test. */
  newTab(baseURL: string): Promise<EngineTab>;
  close(): Promise<void>;
}

export async function launchEngine(engine: Engine): Promise<EngineBrowser> {
  switch (engine) {
    case 'chromium':
      return launchChromium();
    case 'firefox':
      return launchFirefox();
    case 'webkit':
      return launchWebKit();
  }
}

async function launchChromium(): Promise<EngineBrowser> {
  const executablePath = await chromiumExecutablePath();
  const browser: PlaywrightBrowser = await retryingStartCrash(() =>
    chromium.launch({ executablePath, args: chromiumArgs }),
  );
  return {
    async newTab(baseURL) {
      // Chromium reads the clipboard only with the permission, as a user grants it.
      const context = await browser.newContext({ baseURL, permissions: ['clipboard-read', 'clipboard-write'] });
      return new ChromiumTab(await context.newPage());
    },
    close: () => browser.close(),
  };
}

class ChromiumTab extends EngineTab {
  constructor(private readonly page: PlaywrightPage) {
    super('chromium');
  }
  async goto(url: string) {
    await this.page.goto(url);
  }
  async reload() {
    await this.page.reload();
  }
  async url() {
    return this.page.url();
  }
  evaluate<R, A>(fn: (arg: A) => R, arg: A) {
    return this.page.evaluate(fn as (arg: unknown) => R, arg as unknown) as Promise<Awaited<R>>;
  }
  async press(key: Key) {
    await this.page.keyboard.press(key);
  }
  async close() {
    await this.page.context().close();
  }
  protected async clickFirst(target: Target) {
    await (await this.element(target)).click();
  }
  protected async selectFirst(target: Target, value: string) {
    await (await this.element(target)).selectOption(value);
  }
  private async element(target: Target) {
    const [query, arg] = this.elementQuery(target);
    const element = (await this.page.evaluateHandle(query, arg)).asElement();
    if (!element) throw new Error(`no element at ${JSON.stringify(target)}`);
    return element;
  }
}

async function launchFirefox(): Promise<EngineBrowser> {
  const browser = await puppeteer.launch(firefoxLaunchOptions());
  return {
    async newTab(baseURL) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      // In front: Firefox matches :focus only in the focused window, and keyboard tests need it.
      await page.bringToFront();
      return new FirefoxTab(page, baseURL);
    },
    close: () => browser.close(),
  };
}

class FirefoxTab extends EngineTab {
  constructor(
    private readonly page: puppeteer.Page,
    private readonly baseURL: string,
  ) {
    super('firefox');
  }
  async goto(url: string) {
    await this.page.goto(new URL(url, this.baseURL).href);
  }
  async reload() {
    await this.page.reload();
  }
  async url() {
    return this.page.url();
  }
  evaluate<R, A>(fn: (arg: A) => R, arg: A) {
    return this.page.evaluate(fn as (arg: unknown) => R, arg) as Promise<Awaited<R>>;
  }
  async press(key: Key) {
    await this.page.keyboard.press(key);
  }
  async close() {
    await this.page.browserContext().close();
  }
  protected async clickFirst(target: Target) {
    await (await this.element(target)).click();
  }
  protected async selectFirst(target: Target, value: string) {
    await (await this.element(target)).select(value);
  }
  private async element(target: Target) {
    const [query, arg] = this.elementQuery(target);
    const element = (await this.page.evaluateHandle(query as (arg: unknown) => unknown, arg)).asElement();
    if (!element) throw new Error(`no element at ${JSON.stringify(target)}`);
    return element as puppeteer.ElementHandle<HTMLElement>;
  }
}

/**
 * One WebKitWebDriver (and Xvfb) and one MiniBrowser session per worker, as web-test-runner uses it: starting a
 * session per test costs seconds and sometimes hangs. Each tab ends on about:blank; the demo keeps nothing in the
 * browser (no cookies, no storage), and each test has a demo session of its own on the server.
 */
async function launchWebKit(): Promise<EngineBrowser> {
  const driver = await startWebKitDriver();
  try {
    const session = await remote({
      hostname: driver.hostname,
      port: driver.port,
      capabilities: { ...webkitCapabilities },
      logLevel: 'error',
    });
    return {
      newTab: async (baseURL) => new WebKitTab(session, baseURL),
      async close() {
        await session.deleteSession();
        await driver.stop();
      },
    };
  } catch (error) {
    await driver.stop();
    throw error;
  }
}

/** WebDriver's names for the keys (the code points of its key table). */
const WEBDRIVER_KEYS: Record<Key, string> = { Tab: '\uE004', Enter: '\uE007', Space: '\uE00D', Escape: '\uE00C' };

class WebKitTab extends EngineTab {
  constructor(
    private readonly session: WebdriverIO.Browser,
    private readonly baseURL: string,
  ) {
    super('webkit');
  }
  async goto(url: string) {
    await this.session.url(new URL(url, this.baseURL).href);
  }
  async reload() {
    await this.session.refresh();
  }
  url() {
    return this.session.getUrl();
  }
  evaluate<R, A>(fn: (arg: A) => R, arg: A) {
    return this.execute(fn, arg) as Promise<Awaited<R>>;
  }
  async press(key: Key) {
    await this.session.keys(WEBDRIVER_KEYS[key]);
  }
  async close() {
    await this.session.url('about:blank');
  }
  protected async clickFirst(target: Target) {
    await (await this.element(target)).click();
  }
  protected async selectFirst(target: Target, value: string) {
    // WebDriver selects an option by clicking it (Element Click's rule for <option>), firing input and change.
    const option = await this.execute(
      (select: HTMLSelectElement, value: string) => [...select.options].find((option) => option.value === value),
      await this.elementReference(target),
      value,
    );
    await (await this.session.$(option as WebdriverIO.Element)).click();
  }
  private async element(target: Target) {
    return this.session.$(await this.elementReference(target));
  }
  private async elementReference(target: Target): Promise<WebdriverIO.Element> {
    const [query, arg] = this.elementQuery(target);
    const element = await this.execute(query, arg);
    if (!element) throw new Error(`no element at ${JSON.stringify(target)}`);
    return element as WebdriverIO.Element;
  }
  /** WebDriver's Execute Script (a returned promise awaited), untyped: the page's values come back as JSON. */
  private execute(fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<unknown> {
    const execute = this.session.execute as (this: WebdriverIO.Browser, ...args: unknown[]) => Promise<unknown>;
    return execute.call(this.session, fn, ...args);
  }
}
