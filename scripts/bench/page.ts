/**
 * What `npm run bench` runs inside headless Chromium (bundled by scripts/bench.mjs, production Lit).
 * Nothing registers itself on import: each measurement defines the elements when its clock starts.
 */
import { LitElement, html, type CSSResultGroup, type TemplateResult } from 'lit';
import {
  IposCredentials,
  IposKeyActivity,
  IposKeyPanel,
  IposScopeList,
  IposTokenGenerator,
  TokenSession,
} from '../../src/index.js';
import { ReferenceBackend } from '../../src/reference/index.js';
// What `./hydrate` has up front, here too: the render measured is each element's own first one, a single update, not
// the loading of the modules the lazy panels and the key panel's dialogs wait for (the cold loads measure that).
import '../../src/elements/key-activity/key-activity-view.js';
import '../../src/elements/key-panel/dialogs.js';
import '../../src/elements/token-generator/token-generator-view.js';

const yieldTask = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

async function until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  while (!test()) {
    if (performance.now() - started > timeoutMs) {
      const seen = deepAll(document, '*')
        .map((element) => element.shadowRoot?.getHTML().slice(0, 400) ?? '')
        .join('\n');
      throw new Error(`bench: the screen never showed what it waited for; it shows:\n${seen}`);
    }
    await yieldTask();
  }
}

/** Every element matching `selector` below `root`, through open shadow roots. */
function deepAll(root: ParentNode, selector: string, found: Element[] = []): Element[] {
  if (root instanceof Element && root.shadowRoot) deepAll(root.shadowRoot, selector, found);
  for (const element of root.querySelectorAll('*')) {
    if (element.matches(selector)) found.push(element);
    if (element.shadowRoot) deepAll(element.shadowRoot, selector, found);
  }
  return found;
}

const shows = (root: ParentNode, selector: string, text: string) =>
  deepAll(root, selector).some((element) => element.textContent?.includes(text));
const keysShown = (root: ParentNode) => shows(root, '[part~="api-key"]', 'dakey_');
/** The cheap check the render timing polls with (a deep walk per poll would weigh on the time measured). */
const panelShowsKeys = (host: Element, panelTag: string) =>
  host.shadowRoot
    ?.querySelector(panelTag)
    ?.shadowRoot?.querySelector('[part~="api-key"]')
    ?.textContent?.includes('dakey_') ?? false;
const terminalsShown = (root: ParentNode) =>
  deepAll(root, '[part~="tpn-select"]').some((select) => select.querySelectorAll('option').length > 0);

function defineAll(): void {
  IposScopeList.define();
  IposKeyPanel.define();
  IposTokenGenerator.define();
  IposCredentials.define();
}

/** A backend whose in-process server counts the requests it handles. */
function countingBackend(options: ConstructorParameters<typeof ReferenceBackend>[0] = {}) {
  const backend = new ReferenceBackend(options);
  const requests: string[] = [];
  const refreshedTokens: string[] = [];
  const handle = backend.server.handle.bind(backend.server);
  backend.server.handle = async (request: Request) => {
    const path = new URL(request.url).pathname.replace(backend.server.basePath, '');
    requests.push(`${request.method} ${path}`);
    if (path === '/tokens/refresh') refreshedTokens.push(((await request.clone().json()) as { token: string }).token);
    return handle(request);
  };
  return { backend, requests, refreshedTokens };
}

function merchantScreen(backend: ReferenceBackend, children = ''): IposCredentials {
  const host = document.createElement('ipos-credentials') as IposCredentials;
  host.setAttribute('user-role', 'merchant');
  host.append(document.createRange().createContextualFragment(children)); // the bench's own constant markup
  host.backend = backend;
  return host;
}

/** Key panel and token generator markup as rendered, without Lit's markers: what the bare elements render. */
export interface StaticScreen {
  keyPanel: string;
  tokenGenerator: string;
}

const staticMarkup = (element: Element) => element.shadowRoot!.getHTML().replace(/<!--[^>]*-->/g, '');

/**
 * define → keys shown. `backend`: `reference` is the in-browser ReferenceBackend (zero latency), `instant` a
 * backend answering the same data from memory, which separates the elements' cost from the reference server's.
 */
async function keysShownAfterDefine(
  kind: 'reference' | 'instant' = 'reference',
): Promise<{ ms: number; firstRenderMs: number; screen: StaticScreen }> {
  const { backend: reference } = countingBackend();
  const credentials = await reference.generateKeys();
  const terminals = await reference.listTerminals();
  const backend =
    kind === 'reference'
      ? reference
      : ({
          getCredentials: () => Promise.resolve(credentials),
          listTerminals: () => Promise.resolve(terminals),
        } as unknown as ReferenceBackend);
  const host = merchantScreen(backend);
  document.body.append(host);
  const started = performance.now();
  defineAll();
  await until(() => !!host.shadowRoot?.querySelector('ipos-key-panel')?.shadowRoot?.querySelector('[part~="base"]'));
  const firstRenderMs = performance.now() - started;
  await until(() => panelShowsKeys(host, 'ipos-key-panel'));
  const ms = performance.now() - started;
  const [keyPanel] = deepAll(host, 'ipos-key-panel');
  const [tokenGenerator] = deepAll(host, 'ipos-token-generator');
  return {
    ms,
    firstRenderMs,
    screen: { keyPanel: staticMarkup(keyPanel!), tokenGenerator: staticMarkup(tokenGenerator!) },
  };
}

/** The same DOM from bare Lit elements with the same styles and no data: the floor for `keysShownAfterDefine`. */
async function bareAfterDefine(screen: StaticScreen): Promise<{ ms: number; firstDateFormatMs: number }> {
  const template = (markup: string): TemplateResult => {
    const strings = Object.assign([markup], { raw: [markup] }) as unknown as TemplateStringsArray;
    return html(strings);
  };
  const bare = (markup: string, styles: CSSResultGroup) =>
    class extends LitElement {
      static override styles = styles;
      override render() {
        return template(markup);
      }
    };
  const host = document.createElement('bare-screen');
  document.body.append(host);
  const started = performance.now();
  customElements.define('bare-key-panel', bare(screen.keyPanel, IposKeyPanel.elementStyles));
  customElements.define('bare-token-generator', bare(screen.tokenGenerator, IposTokenGenerator.elementStyles));
  customElements.define(
    'bare-screen',
    bare(
      '<bare-key-panel></bare-key-panel><bare-token-generator></bare-token-generator>',
      IposCredentials.elementStyles,
    ),
  );
  await until(() => panelShowsKeys(host, 'bare-key-panel'));
  const ms = performance.now() - started;
  // What the elements pay and the static DOM does not: the first date format of the page (ICU data).
  const intlStarted = performance.now();
  new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date());
  return { ms, firstDateFormatMs: performance.now() - intlStarted };
}

/** Requests made to open the merchant screen: the provider's own screen, and five elements sharing one provider. */
async function requestsToOpen(children: string): Promise<string[]> {
  const { backend, requests } = countingBackend();
  await backend.generateKeys();
  requests.length = 0;
  defineAll();
  const host = merchantScreen(backend, children);
  document.body.append(host);
  await until(() => keysShown(host) && terminalsShown(host));
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything late would show up here
  host.remove();
  return requests;
}

/**
 * Refresh requests per token over one auto-refresh cycle, with `sessions` TokenSessions sharing one channel
 * (as tabs of one portal do): a 60 s token refreshed 57 s before expiry, watched for 6 s. A token is never due
 * before half its life, so the backend's clock runs 25 s behind: each token reaches half its life 5 s after it
 * arrives, and the refreshed one only after the watch.
 */
async function refreshesPerToken(sessions: number): Promise<{ requests: string[]; perToken: number[] }> {
  const { backend, requests, refreshedTokens } = countingBackend();
  const channelName = `bench-${sessions}-${Math.random()}`;
  const all = Array.from(
    { length: sessions },
    () => new TokenSession({ backend, tpn: '139322815010', expiresInMinutes: 1, refreshBefore: 57, channelName }),
  );
  await backend.listTerminals(); // warm the server (signing key) outside the watched window
  backend.server.clock.advance(-25_000);
  requests.length = 0;
  await all[0]!.getToken();
  await new Promise((resolve) => setTimeout(resolve, 6000));
  for (const session of all) session.dispose();
  const counts = new Map<string, number>();
  for (const token of refreshedTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return { requests, perToken: [...counts.values()] };
}

/** Mounts and unmounts the full merchant screen `cycles` times, each time until its keys and terminals show. */
async function mountCycles(cycles: number): Promise<void> {
  defineAll();
  const { backend } = countingBackend();
  await backend.generateKeys();
  for (let i = 0; i < cycles; i++) {
    const host = merchantScreen(backend);
    document.body.append(host);
    await until(() => keysShown(host) && terminalsShown(host));
    host.remove();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Every element class of the full screen, by tag, as `ipos-credential-elements/define` registers them. */
const CLASSES = {
  'ipos-scope-list': IposScopeList,
  'ipos-key-panel': IposKeyPanel,
  'ipos-token-generator': IposTokenGenerator,
  'ipos-key-activity': IposKeyActivity,
  'ipos-credentials': IposCredentials,
} as const;
type Tag = keyof typeof CLASSES;

/** One element of a rendered screen as static markup: its shadow DOM without Lit's markers, ipos tags renamed bare. */
export type FairScreen = { tag: Tag; markup: string }[];

/** The shadow DOM of every ipos element under `host` (and of `host`), as a bare element would render it. */
function captureScreen(host: Element): FairScreen {
  const seen = new Map<Tag, string>();
  for (const element of [host, ...deepAll(host, '*')]) {
    const tag = element.localName as Tag;
    if (!(tag in CLASSES) || seen.has(tag) || !element.shadowRoot) continue;
    const markup = element.shadowRoot
      .getHTML()
      .replace(/<!--[^>]*-->/g, '')
      .replace(/<(\/?)ipos-/g, '<$1bare-');
    seen.set(tag, markup);
  }
  return [...seen].map(([tag, markup]) => ({ tag, markup }));
}

/**
 * Resolves in the task right after a frame was rendered: a render timed from here has the most time before the
 * browser's next frame, so that a frame's style, layout and paint rarely fall inside the few milliseconds timed.
 */
const frameStart = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

/**
 * Until the key panel's API key is in its shadow DOM, then laid out (a forced layout of it): style and layout are
 * part of showing the keys, and are then counted whether or not a frame happened to render them meanwhile.
 */
async function untilKeysLaidOut(host: Element, panelTag: string): Promise<void> {
  await until(() => panelShowsKeys(host, panelTag));
  host.shadowRoot!.querySelector(panelTag)!.shadowRoot!.querySelector('[part~="api-key"]')!.getBoundingClientRect();
}

/**
 * Updates per element tag during `work` and the milliseconds they took (a child's upgrade and connection
 * counted in its parent's update, where they happen): a preloaded first paint should be one update per element.
 */
async function countUpdates(work: () => Promise<void>): Promise<Record<string, { updates: number; ms: number }>> {
  const counts: Record<string, { updates: number; ms: number }> = {};
  const proto = LitElement.prototype as unknown as { performUpdate(): void };
  const performUpdate = proto.performUpdate;
  proto.performUpdate = function (this: HTMLElement) {
    const started = performance.now();
    try {
      return performUpdate.call(this);
    } finally {
      const count = (counts[this.localName] ??= { updates: 0, ms: 0 });
      count.updates++;
      count.ms += performance.now() - started;
    }
  };
  try {
    await work();
  } finally {
    proto.performUpdate = performUpdate;
  }
  return counts;
}

/**
 * The merchant screen with its data preloaded as a server renders it (the `data-ipos-initial` script: credentials,
 * terminals and the activity trail's first page), on a backend that would answer like a network, after
 * `NETWORK_MS`, with answers made before the clock starts (a preloaded screen asks it nothing).
 */
async function preloadedScreen(): Promise<IposCredentials> {
  const reference = new ReferenceBackend();
  const credentials = await reference.generateKeys();
  const terminals = await reference.listTerminals();
  const activity = await reference.listActivity({});
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), NETWORK_MS));
  const backend = {
    getCredentials: () => later(credentials),
    listTerminals: () => later(terminals),
    listActivity: () => later(activity),
  } as unknown as ReferenceBackend;
  const host = merchantScreen(backend);
  const script = document.createElement('script');
  script.type = 'application/json';
  script.dataset.iposInitial = '';
  script.textContent = JSON.stringify({ credentials, terminals, activity });
  host.append(script);
  return host;
}
const NETWORK_MS = 50;

/**
 * define → keys shown, for the full merchant screen (every element `define` registers) rendered from preloaded
 * data: no request stands between define and the keys, so what is measured is the elements' own first render.
 * `countUpdates`: also counts the updates of each element until the keys show and two tasks after.
 */
async function preloadedKeysShown(options: { countUpdates?: boolean } = {}): Promise<{
  ms: number;
  defineMs: number;
  screen: FairScreen;
  updates?: Record<string, { updates: number; ms: number }>;
}> {
  const host = await preloadedScreen();
  document.body.append(host);
  let ms = 0;
  const run = async () => {
    await frameStart();
    const started = performance.now();
    for (const element of Object.values(CLASSES)) element.define();
    defineMs = performance.now() - started;
    await untilKeysLaidOut(host, 'ipos-key-panel');
    ms = performance.now() - started;
    screen = captureScreen(host);
    if (options.countUpdates) for (let i = 0; i < 2; i++) await yieldTask();
  };
  let screen: FairScreen = [];
  let defineMs = 0;
  const updates = options.countUpdates ? await countUpdates(run) : (await run(), undefined);
  return { ms, defineMs, screen, updates };
}

/**
 * The limit for `preloadedKeysShown`: bare LitElements, one per element of the screen, each rendering the markup
 * the real one rendered (captured in the same run) with the real one's `static styles`, nested as they were.
 */
async function fairBareAfterDefine(
  screen: FairScreen,
  options: { countUpdates?: boolean } = {},
): Promise<{ ms: number; defineMs: number; updates?: Record<string, { updates: number; ms: number }> }> {
  const template = (markup: string): TemplateResult => {
    const strings = Object.assign([markup], { raw: [markup] }) as unknown as TemplateStringsArray;
    return html(strings);
  };
  const host = document.createElement('bare-credentials');
  document.body.append(host);
  const bare = screen.map(
    ({ tag, markup }) =>
      [
        tag.replace(/^ipos-/, 'bare-'),
        class extends LitElement {
          static override styles: CSSResultGroup = CLASSES[tag].styles!;
          override render() {
            return template(markup);
          }
        },
      ] as const,
  );
  let ms = 0;
  const run = async () => {
    await frameStart();
    const started = performance.now();
    for (const [tag, element] of bare) customElements.define(tag, element);
    defineMs = performance.now() - started;
    await untilKeysLaidOut(host, 'bare-key-panel');
    ms = performance.now() - started;
  };
  let defineMs = 0;
  const updates = options.countUpdates ? await countUpdates(run) : (await run(), undefined);
  return { ms, defineMs, updates };
}

Object.assign(globalThis, {
  bench: {
    keysShownAfterDefine,
    bareAfterDefine,
    preloadedKeysShown,
    fairBareAfterDefine,
    requestsToOpen,
    refreshesPerToken,
    mountCycles,
  },
});
