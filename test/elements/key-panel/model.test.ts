/**
 * Model-based test of the key panel: fast-check plays random sequences of what users, hosts and
 * networks do — reveal, hide, copy, reset with a grace window and revoke of the previous secret (each confirmed
 * or cancelled), account switches, language switches,
 * page blur, disconnect and reconnect — while the backend answers (or fails) its calls in random
 * order. After every step the invariants of the panel's security rules are checked.
 */
import { expect, fixture, html } from '@open-wc/testing';
import fc from 'fast-check';
import '../../../src/define.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { ControlledAccount, type PendingCall } from '../../support/controlled-backend.js';
import { allByPart, settle } from '../../support/fixtures.js';
import { ConsoleLog, EventLog, findInDom } from '../../support/leak-scan.js';

const RUNS = 200;
const SEED = 20_261_124;

interface Model {
  /** Which of the two accounts the panel shows. */
  current: 0 | 1;
  /** A Reveal was clicked since the last Hide, blur, switch, reset or disconnect: the secret may show. */
  mayShowSecret: boolean;
  /** Confirmed resets per account: the most rotations the backend may have seen. */
  confirmedResets: [number, number];
  /** Confirmed revokes per account: the most revoke requests the backend may have seen. */
  confirmedRevokes: [number, number];
  connected: boolean;
}

interface Real {
  element: IposKeyPanel;
  parent: HTMLElement;
  accounts: [ControlledAccount, ControlledAccount];
  queue: PendingCall[];
  clipboard: ClipboardStub;
  /** Clipboard writes before the last account switch; later ones must be the current account's. */
  clipboardAtSwitch: number;
  uncaught: unknown[];
  events: EventLog;
  consoleLog: ConsoleLog;
  /** Steps run and invariant checks passed, over all sequences. */
  tally: { steps: number; checks: number };
}

const part = (real: Real, name: string) => allByPart(real.element, name)[0];
const secretShown = (real: Real) => real.element.shadowRoot!.querySelector('[part~="secret-key"]:not(.masked)');

/** Lets the panel finish what the command started, then checks every invariant. */
async function step(model: Model, real: Real): Promise<void> {
  // A detached panel's new children never render (Lit waits for a connection), so there is nothing to settle.
  if (model.connected) await settle(real.element);
  await new Promise((resolve) => setTimeout(resolve));
  if (model.connected) await settle(real.element);
  real.tally.steps++;
  try {
    checkInvariants(model, real);
  } catch (error) {
    // fast-check reports the sequence; this says which invariant broke.
    console.log(`invariant broken: ${String(error)}`);
    throw error;
  }
  real.tally.checks++;
}

function checkInvariants(model: Model, real: Real): void {
  const { events, consoleLog } = real;
  const current = real.accounts[model.current];
  const other = real.accounts[1 - model.current]!;
  for (const secret of other.secrets) {
    expect(findInDom(secret), "another account's secret in the DOM").to.deep.equal([]);
  }
  for (const secret of [...current.secrets, ...other.secrets]) {
    expect(events.serialized(), 'a secret in an event').not.to.contain(secret);
    expect(consoleLog.lines.join('\n'), 'a secret in the console').not.to.contain(secret);
  }
  if (!model.mayShowSecret) {
    for (const secret of current.secrets) expect(findInDom(secret), 'a hidden secret came back').to.deep.equal([]);
  }
  const sinceSwitch = real.clipboard.written.slice(real.clipboardAtSwitch);
  for (const written of sinceSwitch) expect(other.secrets, "another account's secret copied").not.to.include(written);
  real.accounts.forEach((account, index) =>
    expect(account.rotations, 'more resets than confirmations').to.be.at.most(model.confirmedResets[index]!),
  );
  real.accounts.forEach((account, index) =>
    expect(account.revokeRequests, 'a revoke nobody confirmed for this account').to.be.at.most(
      model.confirmedRevokes[index]!,
    ),
  );
  expect(real.uncaught, 'uncaught errors').to.deep.equal([]);
}

type Command = fc.AsyncCommand<Model, Real>;

/** A click on a part, when the part is on screen. */
class Click implements Command {
  constructor(readonly name: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const button = model.connected ? part(real, this.name) : undefined;
    if (!button || button.getAttribute('aria-disabled') === 'true' || (button as HTMLButtonElement).disabled) return;
    const dialogOpen = (part(real, 'dialog') as HTMLDialogElement | undefined)?.open ?? false;
    const revokeOpen = (part(real, 'revoke-dialog') as HTMLDialogElement | undefined)?.open ?? false;
    // A modal makes the page behind it inert.
    if (dialogOpen && !['confirm-button', 'cancel-button'].includes(this.name)) return;
    if (revokeOpen && !['revoke-confirm-button', 'revoke-cancel-button'].includes(this.name)) return;
    if (this.name === 'revoke-confirm-button' && revokeOpen) model.confirmedRevokes[model.current]++;
    if (this.name === 'reveal-button') model.mayShowSecret = !secretShown(real);
    if (this.name === 'confirm-button' && dialogOpen) {
      model.confirmedResets[model.current]++;
      model.mayShowSecret = false;
    }
    // A copy of a secret on screen has its value at the click: it belongs to this account even if the write ends
    // after a later switch, so let the (asynchronous) clipboard write finish before the next command.
    const copiesShownSecret = this.name === 'copy-secret-key' && secretShown(real) !== null;
    button.click();
    if (copiesShownSecret) await real.clipboard.idle();
    await step(model, real);
  }
  toString = () => `click ${this.name}`;
}

/** "Revoke previous secret now", then the choice in its confirmation, as one user gesture after another. */
class Revoke implements Command {
  constructor(readonly confirm: boolean) {}
  check = () => true;
  async run(model: Model, real: Real) {
    await new Click('revoke-previous-button').run(model, real);
    await new Click(this.confirm ? 'revoke-confirm-button' : 'revoke-cancel-button').run(model, real);
  }
  toString = () => `revoke, ${this.confirm ? 'confirmed' : 'cancelled'}`;
}

class SwitchAccount implements Command {
  check = () => true;
  async run(model: Model, real: Real) {
    model.current = model.current === 0 ? 1 : 0;
    model.mayShowSecret = false;
    real.clipboardAtSwitch = real.clipboard.written.length;
    const account = real.accounts[model.current];
    real.element.userRole = account.role;
    real.element.backend = account;
    await step(model, real);
  }
  toString = () => 'switch account';
}

class Answer implements Command {
  constructor(
    readonly index: number,
    readonly ok: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    if (!real.queue.length) return;
    const [call] = real.queue.splice(this.index % real.queue.length, 1);
    call!.settle(this.ok);
    await step(model, real);
  }
  toString = () => `${this.ok ? 'answer' : 'fail'} call #${this.index}`;
}

class Blur implements Command {
  check = () => true;
  async run(model: Model, real: Real) {
    model.mayShowSecret = false;
    window.dispatchEvent(new Event('blur'));
    await step(model, real);
  }
  toString = () => 'blur';
}

class Reconnect implements Command {
  check = () => true;
  async run(model: Model, real: Real) {
    model.mayShowSecret = false;
    if (model.connected) real.element.remove();
    else real.parent.append(real.element);
    model.connected = !model.connected;
    await step(model, real);
  }
  toString = () => 'disconnect/reconnect';
}

class SwitchLocale implements Command {
  constructor(readonly locale: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.element.locale = this.locale;
    await step(model, real);
  }
  toString = () => `locale ${this.locale}`;
}

const commands = [
  fc
    .constantFrom(
      'reveal-button',
      'copy-secret-key',
      'copy-api-key',
      'reset-button',
      'confirm-button',
      'cancel-button',
      'revoke-confirm-button',
      'retry-button',
    )
    .map((name) => new Click(name)),
  fc.boolean().map((confirm) => new Revoke(confirm)),
  fc.constant(new SwitchAccount()),
  fc.tuple(fc.nat(8), fc.boolean()).map(([index, ok]) => new Answer(index, ok)),
  fc.tuple(fc.nat(8), fc.constant(true)).map(([index, ok]) => new Answer(index, ok)),
  fc.constant(new Blur()),
  fc.constant(new Reconnect()),
  fc.constantFrom('en', 'fr', 'ar').map((locale) => new SwitchLocale(locale)),
];

describe('key panel model', () => {
  it(`keeps every secret rule over ${RUNS} random sequences of clicks, switches and answers`, async function () {
    this.timeout(180_000);
    const tally = { steps: 0, checks: 0 };
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 18 }), async (sequence) => {
        const queue: PendingCall[] = [];
        const accounts: [ControlledAccount, ControlledAccount] = [
          new ControlledAccount('merchant', queue),
          new ControlledAccount('iso', queue),
        ];
        const element = await fixture<IposKeyPanel>(
          html`<ipos-key-panel
            user-role="merchant"
            .backend=${accounts[0]}
            allow-reveal
            reset-grace-options="60,0"
          ></ipos-key-panel>`,
        );
        const real: Real = {
          element,
          parent: element.parentElement!,
          accounts,
          queue,
          clipboard: new ClipboardStub(),
          clipboardAtSwitch: 0,
          uncaught: [],
          events: new EventLog(),
          consoleLog: new ConsoleLog(),
          tally,
        };
        const onError = (event: ErrorEvent | PromiseRejectionEvent) =>
          real.uncaught.push('reason' in event ? event.reason : event.error);
        window.addEventListener('error', onError);
        window.addEventListener('unhandledrejection', onError);
        const model: Model = {
          current: 0,
          mayShowSecret: false,
          confirmedResets: [0, 0],
          confirmedRevokes: [0, 0],
          connected: true,
        };
        // Each sequence starts with the keys on screen.
        queue.shift()?.settle(true);
        await step(model, real);
        try {
          await fc.asyncModelRun(() => ({ model, real }), sequence);
          // Whatever was still on its way arrives now, after the last step: it must change nothing unsafe.
          while (queue.length) queue.shift()!.settle(true);
          await step(model, real);
        } finally {
          element.remove();
          real.clipboard.restore();
          real.events.dispose();
          real.consoleLog.dispose();
          window.removeEventListener('error', onError);
          window.removeEventListener('unhandledrejection', onError);
        }
      }),
      { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
    );
    console.log(
      `[reliability] key panel model: ${RUNS} sequences, ${tally.steps} steps, ${tally.checks} invariant checks, 0 violations (seed ${SEED})`,
    );
  });
});
