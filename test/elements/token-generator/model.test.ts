/**
 * Model-based test of `<ipos-token-generator>` (issue 12): fast-check `fc.commands` + `fc.asyncModelRun` drive
 * random sequences of TPN switches, Generate, Refresh, account (backend / role) switches, locale switches,
 * disconnect / reconnect, Copy Token / Copy TPN, messages from "another tab", and the answers of an in-memory
 * backend delivered (or failed) in random order. Only the public surface is used: tag, properties, attributes,
 * `[part~=…]`, events, the clipboard.
 *
 * Invariants, after every step:
 * - the token shown is a token of the current account and TPN, from this screen's current selection (no answer
 *   to a request made before a switch), and not older than the latest answer this screen got for it — own
 *   answers win; forged, foreign, malformed and other-account messages never show;
 * - a token copied is the one shown at the click; a TPN copied is the one selected;
 * - token events name only tokens of the current account and TPN;
 * - at most one mutation request (generate / refresh) per click;
 * - no uncaught error, no `console.error`;
 * - after a disconnect: no timer, window/document listener or BroadcastChannel of the library left.
 */
import fc from 'fast-check';
import '../../../src/define.js';
import { BackendError } from '../../../src/backend/backend-error.js';
import type {
  CredentialsBackend,
  GenerateTokenInput,
  RefreshTokenInput,
  RequestOptions,
} from '../../../src/backend/credentials-backend.js';
import type { AuthToken, Terminal } from '../../../src/contract/schemas.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import type { TokenDetail } from '../../../src/elements/events.js';
import { tokenChannelName } from '../../../src/headless/token-session.js';
import { accountTag } from '../../../src/backend/account-key.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { UncaughtLog } from '../../support/fault-kit.js';
import { allByPart, settle } from '../../support/fixtures.js';
import { LiveResources } from '../../support/live-resources.js';

const SEED = 1224;
const RUNS = 200;
const MAX_COMMANDS = 15;
const TPNS = ['139322815010', '139322815011'];
const TERMINALS: Terminal[] = TPNS.map((tpn, i) => ({ tpn, label: `Lane ${i + 1}` }));
const LOCALES = ['en', 'es', 'fr', 'ar'];
type AccountName = 'A' | 'B';
/** Two merchant accounts sharing the same TPNs (the case of finding 5), and an ISO admin (no tokens). */
type Who = AccountName | 'iso';

interface Issued {
  token: AuthToken;
  account: AccountName;
  /** Which selection (epoch) of the screen it belongs to; -1 for messages that must never show. */
  epoch: number;
  own: boolean;
  /** When it was answered or posted: own answers win by this order, not by `issuedAt` (the backend's clock may step back). */
  order: number;
}

interface Pending {
  kind: 'terminals' | 'generate' | 'refresh';
  settle(ok: boolean): void;
}

/** The in-memory backends of both accounts and what they answered, with the screen's state as the test sets it. */
class World {
  readonly runId = crypto.randomUUID().slice(0, 8);
  readonly pending: Pending[] = [];
  readonly issued = new Map<string, Issued>();
  readonly violations: string[] = [];
  readonly backends: Record<AccountName, ModelBackend>;
  /** Bumped by every change of account, TPN or connection: answers to earlier requests must not show. */
  epoch = 0;
  who: Who = 'A';
  connected = true;
  clicks = 0;
  mutations = 0;
  steps = 0;
  /** Steps after which a token was on screen: how much of the run exercised the token invariants. */
  stepsWithToken = 0;
  private serial = 0;
  /** The backends' clock: `issuedAt` of the next token, minus its serial; steps back on command. */
  base = Date.now() - 60_000;

  constructor() {
    this.backends = { A: new ModelBackend(this, 'A'), B: new ModelBackend(this, 'B') };
  }

  get account(): AccountName | undefined {
    return this.who === 'iso' ? undefined : this.who;
  }

  /** A token as account `account`'s backend issues it, each newer than the last (by `issuedAt`). */
  issue(account: AccountName, tpn: string, epoch: number, own: boolean, issuedAt?: number): AuthToken {
    const serial = ++this.serial;
    const at = issuedAt ?? this.base + serial * 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const token: AuthToken = {
      token: `eyJhbGciOiJSUzI1NiJ9.${this.runId}${account}.s${account}${String(serial).padStart(6, '0')}`,
      tpn,
      issuedAt: iso(at),
      expiresAt: iso(at + 1440 * 60_000),
      graceEndsAt: iso(at + 1455 * 60_000),
    };
    this.issued.set(token.token, { token, account, epoch, own, order: serial });
    return token;
  }

  /** A call that waits until a command settles it, or its signal aborts. */
  defer<T>(kind: Pending['kind'], signal: AbortSignal | undefined, answer: () => T): Promise<T> {
    if (signal?.aborted) return Promise.reject(new BackendError('aborted', 'aborted'));
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        kind,
        settle: (ok) => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          signal?.removeEventListener('abort', onAbort);
          if (ok) resolve(answer());
          else reject(new BackendError('server', 'Service Unavailable', { status: 503 }));
        },
      };
      const onAbort = () => {
        this.pending.splice(this.pending.indexOf(entry), 1);
        reject(new BackendError('aborted', 'aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(entry);
    });
  }

  fail(message: string): void {
    this.violations.push(`step ${this.steps}: ${message}`);
  }
}

const unused = () => Promise.reject(new BackendError('invalid-request', 'not part of this model'));

class ModelBackend implements CredentialsBackend {
  readonly accountKey: string;

  constructor(
    private readonly world: World,
    readonly name: AccountName,
  ) {
    this.accountKey = `model-${world.runId}-${name}`;
  }

  getCredentials = unused;
  generateKeys = unused;
  revealSecret = unused;
  resetSecret = unused;

  listTerminals(options?: RequestOptions): Promise<Terminal[]> {
    return this.world.defer('terminals', options?.signal, () => TERMINALS);
  }

  generateToken({ tpn }: GenerateTokenInput, options?: RequestOptions): Promise<AuthToken> {
    if (!options?.signal?.aborted) this.world.mutations++;
    const epoch = this.world.epoch;
    return this.world.defer('generate', options?.signal, () => this.world.issue(this.name, tpn, epoch, true));
  }

  refreshToken({ token }: RefreshTokenInput, options?: RequestOptions): Promise<AuthToken> {
    if (!options?.signal?.aborted) this.world.mutations++;
    const epoch = this.world.epoch;
    const held = this.world.issued.get(token);
    if (held && held.account !== this.name)
      this.world.fail(`account ${this.name} asked to refresh ${held.account}'s token`);
    const tpn = held?.token.tpn ?? TPNS[0];
    return this.world.defer('refresh', options?.signal, () => this.world.issue(this.name, tpn, epoch, true));
  }
}

interface Real {
  world: World;
  element: IposTokenGenerator;
  container: HTMLElement;
  clipboard: ClipboardStub;
  live: LiveResources;
}
type Model = { world: World };
type ModelCommand = fc.AsyncCommand<Model, Real, false>;

const part = (element: Element, name: string) => allByPart(element, name)[0] as HTMLElement | undefined;
const shortened = (token: string) => `${token.slice(0, 16)}…${token.slice(-8)}`;

/** Clicks a copy button and waits for its outcome: `ipos-copy`, or `ipos-error` when the copy failed. */
function copyAndWait(element: Element, click: () => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      element.removeEventListener('ipos-copy', done);
      element.removeEventListener('ipos-error', done);
      resolve();
    };
    element.addEventListener('ipos-copy', done);
    element.addEventListener('ipos-error', done);
    click();
  });
}

/** Lets every answer, message and update that can happen without time passing happen, then waits for rendering. */
async function flush(real: Real): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    await settle(real.element);
  }
}

function selectedTpn(element: Element): string | undefined {
  return (part(element, 'tpn-select') as HTMLSelectElement | undefined)?.value;
}

function shownToken(real: Real): Issued | undefined | 'unknown' {
  const text = part(real.element, 'token')?.textContent?.trim();
  if (!text) return undefined;
  const found = [...real.world.issued.values()].filter((entry) => shortened(entry.token.token) === text);
  return found.length === 1 ? found[0] : 'unknown';
}

/** The invariants, checked after every command. */
function checkInvariants(real: Real): void {
  const { world, element } = real;
  world.steps++;
  if (!world.connected) return;
  const shown = shownToken(real);
  const tpn = selectedTpn(element);
  if (shown === 'unknown') world.fail('a token that no backend issued is shown');
  else if (shown) {
    world.stepsWithToken++;
    if (shown.account !== world.account) world.fail(`account ${shown.account}'s token shown to ${world.who}`);
    if (shown.token.tpn !== tpn) world.fail(`a token of TPN ${shown.token.tpn} shown for ${tpn}`);
    if (shown.epoch === -1) world.fail("a forged or foreign message's token is shown");
    else if (shown.epoch !== world.epoch) world.fail('a token from before the last switch is shown');
  }
  // The latest answer this screen got for its current account and TPN must be what it shows (or newer).
  const answers = [...world.issued.values()].filter(
    (entry) => entry.own && entry.epoch === world.epoch && entry.account === world.account && entry.token.tpn === tpn,
  );
  const latest = answers.sort((a, b) => b.order - a.order)[0];
  if (latest && (!shown || shown === 'unknown' || shown.order < latest.order)) {
    world.fail(`the latest answer (${latest.token.token.slice(-8)}) is not shown`);
  }
  if (world.mutations > world.clicks) world.fail(`${world.mutations} mutation requests for ${world.clicks} clicks`);
}

const command = (
  name: string,
  run: (real: Real) => Promise<void> | void,
  canRun: (model: Model) => boolean = () => true,
): ModelCommand => ({
  check: canRun,
  async run(_model, real) {
    await run(real);
    await flush(real);
    checkInvariants(real);
  },
  toString: () => name,
});

const connectedOnly = (model: Model) => model.world.connected;

const commands = [
  fc.nat().map((i) =>
    command(
      `switchTpn(${i % 2})`,
      (real) => {
        const select = part(real.element, 'tpn-select') as HTMLSelectElement | undefined;
        const tpn = TPNS[i % 2];
        if (!select || select.value === tpn) return;
        real.world.epoch++;
        select.value = tpn;
        select.dispatchEvent(new Event('change'));
      },
      connectedOnly,
    ),
  ),
  fc.constant(
    command(
      'generate',
      (real) => {
        const button = part(real.element, 'generate-button') as HTMLButtonElement | undefined;
        if (!button || button.disabled) return;
        real.world.clicks++;
        button.click();
      },
      connectedOnly,
    ),
  ),
  fc.constant(
    command(
      'refresh',
      (real) => {
        const button = part(real.element, 'refresh-button');
        if (!button || button.getAttribute('aria-disabled') === 'true') return;
        real.world.clicks++;
        button.click();
      },
      connectedOnly,
    ),
  ),
  fc.constantFrom<Who>('A', 'B', 'iso').map((who) =>
    command(`switchAccount(${who})`, (real) => {
      const { world, element } = real;
      if (world.who === who) return;
      world.who = who;
      world.epoch++;
      element.backend = world.backends[who === 'iso' ? 'B' : who];
      element.userRole = who === 'iso' ? 'iso' : 'merchant';
    }),
  ),
  fc.constantFrom(...LOCALES).map((locale) =>
    command(`locale(${locale})`, (real) => {
      real.element.locale = locale;
    }),
  ),
  fc.constant(
    command(
      'disconnect',
      async (real) => {
        real.world.connected = false;
        real.world.epoch++;
        real.element.remove();
        await flush(real);
        const left = real.live.live();
        if (left.length) real.world.fail(`left behind after disconnect: ${left.join('; ')}`);
      },
      connectedOnly,
    ),
  ),
  fc.constant(
    command(
      'reconnect',
      (real) => {
        real.world.connected = true;
        real.container.append(real.element);
      },
      (model) => !model.world.connected,
    ),
  ),
  fc.constant(
    command(
      'copyToken',
      async (real) => {
        const button = part(real.element, 'copy-token');
        const shown = shownToken(real);
        if (!button || !shown || shown === 'unknown') return;
        const before = real.clipboard.written.length;
        await copyAndWait(real.element, () => button.click());
        await flush(real);
        const copied = real.clipboard.written.slice(before);
        if (copied.length !== 1 || copied[0] !== shown.token.token) {
          real.world.fail(`Copy Token wrote ${JSON.stringify(copied.map((t) => t.slice(-8)))}, not the token shown`);
        }
      },
      connectedOnly,
    ),
  ),
  fc.constant(
    command(
      'copyTpn',
      async (real) => {
        const button = part(real.element, 'copy-tpn');
        const tpn = selectedTpn(real.element);
        if (!button || !tpn) return;
        const before = real.clipboard.written.length;
        await copyAndWait(real.element, () => button.click());
        await flush(real);
        const copied = real.clipboard.written.slice(before);
        if (copied.length !== 1 || copied[0] !== tpn)
          real.world.fail(`Copy TPN wrote ${JSON.stringify(copied)}, not ${tpn}`);
      },
      connectedOnly,
    ),
  ),
  fc.constantFrom('newer', 'older', 'other-account', 'other-tpn', 'far-future', 'malformed', 'untagged').map((kind) =>
    command(`anotherTab(${kind})`, (real) => {
      const { world } = real;
      const account = world.account;
      const tpn = selectedTpn(real.element);
      if (!account || !tpn) return;
      const other: AccountName = account === 'A' ? 'B' : 'A';
      const otherTpn = TPNS.find((t) => t !== tpn)!;
      const tag = accountTag(world.backends[account].accountKey);
      const message = (token: AuthToken, extra: object = {}) => ({ type: 'token', account: tag, tpn, token, ...extra });
      const never = -1;
      const posts: Record<string, () => unknown> = {
        // The only one that may show: a newer token of this account and TPN, as another tab of it would share.
        newer: () => message(world.issue(account, tpn, world.epoch, false)),
        older: () => message(world.issue(account, tpn, world.epoch, false, Date.now() - 3_600_000)),
        'other-account': () => ({
          ...message(world.issue(other, tpn, never, false)),
          account: accountTag(world.backends[other].accountKey),
        }),
        'other-tpn': () => message(world.issue(account, otherTpn, never, false), { tpn: otherTpn }),
        'far-future': () => message(world.issue(account, tpn, never, false, Date.parse('2099-01-01T00:00:00Z'))),
        malformed: () => message({ ...world.issue(account, tpn, never, false), issuedAt: '2026-02-30T00:00:00Z' }),
        untagged: () => ({ type: 'token', token: world.issue(account, tpn, never, false) }),
      };
      const name = tokenChannelName(world.backends[account].accountKey, tpn);
      const channel = new BroadcastChannel(name);
      const witness = new BroadcastChannel(name);
      // Delivered to the witness: delivered to the element's session too, before the next step.
      const delivered = new Promise<void>((resolve) => (witness.onmessage = () => resolve()));
      channel.postMessage(posts[kind]!());
      return delivered.finally(() => {
        channel.close();
        witness.close();
      });
    }),
  ),
  fc.constant(
    command('backendClockStepsBack', (real) => {
      real.world.base -= 5 * 60_000; // as the reference server's clockOffsetMs: -300000 did
    }),
  ),
  // One answer in four is a 503.
  fc.tuple(fc.nat(), fc.nat(3), fc.boolean()).map(([index, outcome, all]) => {
    const ok = outcome > 0;
    return command(`answer(${all ? 'all' : index}, ${ok ? 'ok' : '503'})`, (real) => {
      const pending = real.world.pending;
      if (!pending.length) return;
      if (all) for (const entry of [...pending].reverse()) entry.settle(ok);
      else pending[index % pending.length]!.settle(ok);
    });
  }),
];

/**
 * How often each step comes up, in the order of `commands`: the token's life (generate, answers, refresh, copy,
 * other tabs) more often than switches, so that most runs get a token on screen and then disturb it.
 */
const WEIGHTS = [2, 4, 2, 1, 1, 1, 1, 2, 1, 3, 1, 6];
const weightedCommands = commands.flatMap(
  (arbitrary, index) => Array(WEIGHTS[index]!).fill(arbitrary) as typeof commands,
);

async function setup(): Promise<{ model: Model; real: Real }> {
  const world = new World();
  const live = new LiveResources();
  const clipboard = new ClipboardStub();
  const container = document.body.appendChild(document.createElement('div'));
  const element = document.createElement('ipos-token-generator');
  element.userRole = 'merchant';
  element.backend = world.backends.A;
  const real: Real = { world, element, container, clipboard, live };
  // Token events must only ever name a token of the account and TPN on screen.
  for (const name of ['ipos-token-generated', 'ipos-token-refreshed'] as const) {
    element.addEventListener(name, (event) => {
      const detail = (event as CustomEvent<TokenDetail>).detail;
      const issued = world.issued.get(detail.token);
      if (!issued || issued.account !== world.account || issued.epoch !== world.epoch) {
        world.fail(`${name} named a token of ${issued?.account ?? 'nobody'} (epoch ${issued?.epoch})`);
      }
    });
  }
  container.append(element);
  await flush(real);
  // Every run starts with the terminals loaded and a token on screen: the steps are about what disturbs it.
  world.pending[0]?.settle(true);
  await flush(real);
  world.clicks++;
  (allByPart(element, 'generate-button')[0] as HTMLButtonElement).click();
  await flush(real);
  world.pending[0]?.settle(true);
  await flush(real);
  return { model: { world }, real };
}

describe('ipos-token-generator model (fast-check fc.commands + fc.asyncModelRun)', () => {
  it(`keeps every invariant over ${RUNS} random sequences of up to ${MAX_COMMANDS} steps (seed ${SEED})`, async function () {
    this.timeout(240_000);
    const uncaught = new UncaughtLog();
    const consoleErrors: string[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => {
      consoleErrors.push(args.map(String).join(' '));
      originalError.apply(console, args);
    };
    let runs = 0;
    let steps = 0;
    let stepsWithToken = 0;
    const started = performance.now();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.commands(weightedCommands, { maxCommands: MAX_COMMANDS, size: 'medium' }),
          async (sequence) => {
            let real: Real | undefined;
            try {
              await fc.asyncModelRun(async () => {
                const built = await setup();
                real = built.real;
                return built;
              }, sequence);
            } finally {
              if (real) {
                real.element.remove();
                for (const entry of [...real.world.pending]) entry.settle(false);
                await flush(real);
                real.live.finish();
                real.clipboard.restore();
                real.container.remove();
              }
            }
            runs++;
            steps += real?.world.steps ?? 0;
            stepsWithToken += real?.world.stepsWithToken ?? 0;
            const problems = [
              ...(real?.world.violations ?? []),
              ...uncaught.errors.splice(0).map((e) => `uncaught ${e}`),
              ...consoleErrors.splice(0).map((e) => `console.error ${e}`),
            ];
            if (problems.length) throw new Error(`${problems.join('\n')}\nafter: ${String(sequence)}`);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      console.log(`[model] token generator: FAILED with seed ${SEED} (fc.assert reports the path to replay it)`);
      console.log(`[model] ${cause instanceof Error ? cause.message : String(cause)}`);
      throw error;
    } finally {
      console.error = originalError;
      uncaught.dispose();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `[reliability] token generator model: ${runs} runs, ${steps} steps (${stepsWithToken} with a token shown), 6 invariants checked after each step, 0 violations, seed ${SEED}, ${seconds} s`,
    );
  });
});
