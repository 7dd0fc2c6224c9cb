/**
 * A browser tab in one engine, driven as a user drives it — trusted clicks and keys from the engine's own
 * automation — so that one end-to-end scenario runs unchanged in Chromium (Playwright), Firefox (Puppeteer over
 * WebDriver BiDi) and WebKit (WebDriver classic). Targets reach through open shadow roots; reading the page is
 * one in-page function, so every engine reads it the same way.
 */
import { expect } from '@playwright/test';
import type { Engine } from './engines.mjs';

/** CSS selectors, each searched below the previous one's matches through open shadow roots; optionally by text. */
export interface Target {
  css: readonly string[];
  hasText?: string;
}

/** Elements matching the selectors, each one below the one before (shadow roots included). */
export const deep = (...css: string[]): Target => ({ css });
/** An element's part, e.g. `part('ipos-key-panel', 'status')`. */
export const part = (host: string, name: string): Target => deep(host, `[part~="${name}"]`);
/** Only the target's elements whose text contains the given text. */
export const withText = (target: Target, hasText: string): Target => ({ ...target, hasText });

/** What `inPage` reads about a target (`focus` moves the focus to it, as a script would, and says whether it did). */
type Reading =
  'texts' | 'count' | 'value' | 'visible' | 'actionable' | 'focused' | 'focus' | 'element' | `attributes:${string}`;

/**
 * Runs in the page (serialized by each driver, so it refers to nothing outside itself): finds the target and
 * reads what was asked. `element` returns the first visible, enabled match, for the driver to act on.
 */
function inPage({ target, reading }: { target: Target; reading: Reading }): unknown {
  let scopes: ParentNode[] = [document];
  for (const selector of target.css) {
    const found = new Set<Element>();
    const visit = (root: ParentNode) => {
      for (const element of root.querySelectorAll(selector)) found.add(element);
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) visit(element.shadowRoot);
    };
    for (const scope of scopes) {
      if (scope instanceof Element && scope.shadowRoot) visit(scope.shadowRoot);
      visit(scope);
    }
    scopes = [...found];
  }
  const elements = (scopes as HTMLElement[]).filter(
    (element) => target.hasText === undefined || (element.textContent ?? '').includes(target.hasText),
  );
  const visible = (element: HTMLElement) => element.checkVisibility();
  const actionable = (element: HTMLElement) => visible(element) && !(element as HTMLButtonElement).disabled;
  const first = elements[0] as (HTMLElement & { value?: string }) | undefined;
  if (reading.startsWith('attributes:')) {
    return elements.map((element) => element.getAttribute(reading.slice('attributes:'.length)));
  }
  switch (reading) {
    case 'texts':
      return elements.map((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim());
    case 'count':
      return elements.length;
    case 'value':
      return first?.value ?? null;
    case 'visible':
      return elements.some(visible);
    case 'actionable':
      return elements.some(actionable);
    case 'focused':
      return elements.some((element) => element.matches(':focus'));
    case 'focus':
      first?.focus();
      return first?.matches(':focus') ?? false;
    case 'element':
      return elements.find(actionable) ?? null;
  }
  return null;
}

/** Keys a scenario presses, by the names Playwright and Puppeteer use. */
export type Key = 'Tab' | 'Enter' | 'Space' | 'Escape';

/** The button `readClipboard` clicks: it reads the clipboard inside the click, as WebKit requires. */
const READER = 'e2e-clipboard-reader';

export abstract class EngineTab {
  constructor(readonly engine: Engine) {}

  /** Opens an address (relative ones against the server under test) and waits for its load event. */
  abstract goto(url: string): Promise<void>;
  abstract reload(): Promise<void>;
  abstract url(): Promise<string>;
  /** Runs the function in the page with one JSON argument; resolves its JSON result (promises awaited). */
  abstract evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<Awaited<R>>;
  /** Presses a key where the focus is, with the engine's own key input. */
  abstract press(key: Key): Promise<void>;
  abstract close(): Promise<void>;
  /** Clicks the first visible, enabled element of the target with the engine's own pointer input. */
  protected abstract clickFirst(target: Target): Promise<void>;
  /** Picks the option with that value in the first visible, enabled `<select>` of the target. */
  protected abstract selectFirst(target: Target, value: string): Promise<void>;

  texts(target: Target): Promise<string[]> {
    return this.read(target, 'texts') as Promise<string[]>;
  }
  async text(target: Target): Promise<string> {
    return (await this.texts(target)).join(' ');
  }
  count(target: Target): Promise<number> {
    return this.read(target, 'count') as Promise<number>;
  }
  value(target: Target): Promise<string | null> {
    return this.read(target, 'value') as Promise<string | null>;
  }
  visible(target: Target): Promise<boolean> {
    return this.read(target, 'visible') as Promise<boolean>;
  }
  attributes(target: Target, name: string): Promise<(string | null)[]> {
    return this.read(target, `attributes:${name}`) as Promise<(string | null)[]>;
  }
  /** Whether the target's element has the focus (inside its shadow root). */
  focused(target: Target): Promise<boolean> {
    return this.read(target, 'focused') as Promise<boolean>;
  }
  /** Moves the focus to the target as a script does (no user activation), to start keyboard navigation there. */
  async focus(target: Target): Promise<void> {
    await this.untilActionable(target);
    expect(await this.read(target, 'focus'), `focus at ${JSON.stringify(target)}`).toBe(true);
  }
  async attribute(target: Target, name: string): Promise<string | null> {
    return (await this.attributes(target, name))[0] ?? null;
  }

  /** The document and every open shadow root, serialized: what a leak check must search. */
  markup(): Promise<string> {
    return this.evaluate(() => {
      const parts = [document.documentElement.outerHTML];
      const visit = (root: ParentNode) => {
        for (const element of root.querySelectorAll('*')) {
          if (!element.shadowRoot) continue;
          parts.push(element.shadowRoot.getHTML());
          visit(element.shadowRoot);
        }
      };
      visit(document);
      return parts.join('\n');
    }, null);
  }

  /** Waits (as Playwright's locators do) until the target can be clicked, then clicks it. */
  async click(target: Target): Promise<void> {
    await this.untilActionable(target);
    await this.clickFirst(target);
  }

  async select(target: Target, value: string): Promise<void> {
    await this.untilActionable(target);
    await this.selectFirst(target, value);
  }

  /**
   * What the page's origin reads from the clipboard, read inside a click on a button of our own: WebKit
   * lets `readText()` run only within a user gesture, and the other engines accept it there too.
   */
  async readClipboard(): Promise<string> {
    await this.evaluate((id) => {
      type Reader = HTMLButtonElement & { read?: { text?: string; error?: string } };
      let reader = document.getElementById(id) as Reader | null;
      if (!reader) {
        const button: Reader = (reader = document.createElement('button'));
        button.id = id;
        button.type = 'button';
        button.textContent = 'Read the clipboard';
        // CSSOM, not a style attribute: allowed under the strict CSP too. On top, so that nothing covers it.
        Object.assign(button.style, { position: 'fixed', top: '0', left: '0', zIndex: '2147483647' });
        // What it read stays in a property, never in the DOM, where a leak check would find it.
        button.addEventListener('click', () =>
          navigator.clipboard.readText().then(
            (text) => (button.read = { text }),
            (error: Error) => (button.read = { error: `${error.name}: ${error.message}` }),
          ),
        );
        document.body.prepend(button);
      }
      reader.read = undefined;
    }, READER);
    await this.click(deep(`#${READER}`));
    let read: { text?: string; error?: string } | null = null;
    await expect
      .poll(
        async () =>
          (read = await this.evaluate((id) => {
            const reader = document.getElementById(id) as HTMLButtonElement & { read?: object };
            const answer = reader.read ?? null;
            reader.read = undefined;
            return answer;
          }, READER)),
        { message: 'the clipboard reader never answered' },
      )
      .not.toBeNull();
    const { text, error } = read!;
    if (error !== undefined) throw new Error(`${this.engine} refused to read the clipboard: ${error}`);
    return text!;
  }

  /** The in-page finder, as the argument drivers pass to get an element to act on. */
  protected elementQuery(target: Target) {
    return [
      inPage as (query: { target: Target; reading: Reading }) => HTMLElement | null,
      { target, reading: 'element' as Reading },
    ] as const;
  }

  private read(target: Target, reading: Reading): Promise<unknown> {
    return this.evaluate(inPage, { target, reading });
  }

  private async untilActionable(target: Target): Promise<void> {
    await expect
      .poll(() => this.read(target, 'actionable'), {
        message: `nothing visible and enabled to act on at ${JSON.stringify(target)}`,
      })
      .toBe(true);
  }
}
