/** The reset flow on its own: its confirmation, grace window, typed phrase, the host's step-up hook and Retry. */
import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ResetDialog } from '../../../src/elements/key-panel/reset-dialog.js';
import type { SecretResetDetail } from '../../../src/elements/events.js';
import { allByPart, byPart } from '../../support/fixtures.js';
import { mountFlow, unmountFlow, type Flow } from '../../support/flow-host.js';
import { ConsoleLog } from '../../support/leak-scan.js';
import { waitUntil } from '../../support/wait.js';

interface Settings {
  graceOptions?: string;
  confirmPhrase?: string;
  beforeReset?: () => boolean | Promise<boolean>;
}
let settings: Settings;
let hidden: number;
let mounted: Flow<ResetDialog> | undefined;
afterEach(() => mounted && unmountFlow(mounted));

async function mountReset(initial: Settings = {}) {
  settings = initial;
  hidden = 0;
  mounted = await mountFlow(
    (port) =>
      new ResetDialog(port, {
        graceOptions: () => settings.graceOptions,
        confirmPhrase: () => settings.confirmPhrase,
        beforeReset: () => settings.beforeReset,
        hideSecret: () => hidden++,
      }),
    // The button lives in the panel's actions; here it stands beside the dialog.
    (flow) => html`<button part="reset-button" @click=${() => flow.open()}>Reset</button> ${flow.render()}`,
  );
  return mounted;
}

const part = (flow: Flow<ResetDialog>, name: string) => byPart(flow.host, name);
const dialogOpen = (flow: Flow<ResetDialog>) => (part(flow, 'dialog') as HTMLDialogElement).open;
const rotatedAt = async ({ account }: Flow<ResetDialog>) =>
  ((await account.call('GET', '/credentials')) as { keys: { secretRotatedAt: string } }).keys.secretRotatedAt;

async function open(flow: Flow<ResetDialog>) {
  part(flow, 'reset-button').click();
  await flow.host.updateComplete;
  expect(dialogOpen(flow)).to.equal(true);
}

async function confirmAndWait(flow: Flow<ResetDialog>) {
  const reset = oneEvent(flow.host, 'ipos-secret-reset');
  part(flow, 'confirm-button').click();
  return ((await reset) as CustomEvent<SecretResetDetail>).detail;
}

describe('ResetDialog', () => {
  it('resets once on confirm, masks a shown secret first, announces it and hands focus back to Reset', async () => {
    const flow = await mountReset();
    const before = await rotatedAt(flow);
    await open(flow);
    const detail = await confirmAndWait(flow);

    expect(dialogOpen(flow)).to.equal(false);
    expect(hidden).to.equal(1);
    expect(detail.secretRotatedAt)
      .to.equal(await rotatedAt(flow))
      .and.not.equal(before);
    await waitUntil(() => part(flow, 'status').textContent!.includes('The previous secret no longer works'));
    expect(flow.host.shadowRoot!.activeElement?.getAttribute('part')).to.equal('reset-button');
  });

  it('Cancel closes the dialog and sends nothing', async () => {
    const flow = await mountReset();
    flow.requests.length = 0;
    await open(flow);
    part(flow, 'cancel-button').click();
    expect(dialogOpen(flow)).to.equal(false);
    expect(flow.requests).to.deep.equal([]);
  });

  it('offers the grace windows of reset-grace-options, the first chosen, and sends the one picked', async () => {
    const warnings = new ConsoleLog();
    const flow = await mountReset({ graceOptions: '0, 60, soon, 1440, 60' });
    warnings.dispose();
    await open(flow);
    const choices = [...part(flow, 'grace-options').querySelectorAll('label')].map((label) =>
      label.textContent!.trim(),
    );
    expect(choices).to.deep.equal(['Immediately', 'In 1 hour', 'In 24 hours']);
    expect(warnings.lines.join('\n')).to.include('"soon"');
    expect((part(flow, 'grace-options').querySelector('input:checked') as HTMLInputElement).value).to.equal('0');

    (part(flow, 'grace-options').querySelectorAll('input')[1] as HTMLInputElement).click();
    await flow.host.updateComplete;
    expect(part(flow, 'dialog').textContent).to.include('keeps working for 1 hour');
    await confirmAndWait(flow);
    const { keys } = (await flow.account.call('GET', '/credentials')) as {
      keys: { previousSecretValidUntil: string | null };
    };
    expect(Date.parse(keys.previousSecretValidUntil!) - Date.now()).to.be.within(50 * 60_000, 61 * 60_000);
  });

  it('a window the options no longer offer is never sent: the first choice is taken', async () => {
    const flow = await mountReset({ graceOptions: '60,1440' });
    await open(flow);
    (part(flow, 'grace-options').querySelectorAll('input')[1] as HTMLInputElement).click();
    settings.graceOptions = '0,60';
    flow.host.requestUpdate();
    await flow.host.updateComplete;
    await confirmAndWait(flow);
    const { keys } = (await flow.account.call('GET', '/credentials')) as {
      keys: { previousSecretValidUntil: string | null };
    };
    expect(keys.previousSecretValidUntil).to.equal(null);
  });

  it('enables Reset only once the typed phrase matches, after NFC normalisation and trimming', async () => {
    const flow = await mountReset({ confirmPhrase: 'RÉINITIALISER' });
    await open(flow);
    const confirm = part(flow, 'confirm-button') as HTMLButtonElement;
    expect(confirm.disabled).to.equal(true);

    part(flow, 'confirm-phrase-input').focus();
    // "É" as E and a combining acute accent, and a space around: the same phrase once normalised.
    await sendKeys({ type: '  RE\u0301INITIALISER ' });
    await flow.host.updateComplete;
    expect(confirm.disabled).to.equal(false);
  });

  for (const [answer, hook] of [
    ['false', () => false],
    ['a rejection', () => Promise.reject(new Error('no'))],
    [
      'a throw',
      () => {
        throw new Error('no');
      },
    ],
  ] as const) {
    it(`a beforeReset answering ${answer} cancels: no request, and the live region says so`, async () => {
      const flow = await mountReset({ beforeReset: hook as () => boolean });
      await open(flow);
      flow.requests.length = 0;
      part(flow, 'confirm-button').click();
      await waitUntil(() => part(flow, 'status').textContent!.includes('Reset cancelled'));
      expect(flow.requests).to.deep.equal([]);
    });
  }

  it('a confirmation of a closed dialog (a script clicking its button) resets nothing', async () => {
    const flow = await mountReset();
    flow.requests.length = 0;
    part(flow, 'confirm-button').click();
    await flow.host.updateComplete;
    expect(flow.requests).to.deep.equal([]);
  });

  it('Retry after a lost answer repeats the same reset: the secret turns over once', async () => {
    const flow = await mountReset();
    const before = await rotatedAt(flow);
    await flow.account.force({ 'POST /credentials/secret/reset': { status: 503, times: 1, afterWork: true } });
    await open(flow);
    part(flow, 'confirm-button').click();
    await waitUntil(() => allByPart(flow.host, 'retry-button').length === 1, 'no Retry after the lost answer');
    const afterFirst = await rotatedAt(flow);
    expect(afterFirst).not.to.equal(before);

    const reset = oneEvent(flow.host, 'ipos-secret-reset');
    part(flow, 'retry-button').click();
    expect(((await reset) as CustomEvent<SecretResetDetail>).detail.secretRotatedAt).to.equal(afterFirst);
    expect(await rotatedAt(flow)).to.equal(afterFirst);
  });
});
