/** The grace window flow on its own: the previous secret's countdown, and revoking it with a confirmation. */
import { expect, oneEvent } from '@open-wc/testing';
import type { PreviousSecretRevokedDetail } from '../../../src/elements/events.js';
import { GraceWindow } from '../../../src/elements/key-panel/grace-window.js';
import { RevokeDialog } from '../../../src/elements/key-panel/revoke-dialog.js';
import { allByPart, byPart } from '../../support/fixtures.js';
import { mountFlow, unmountFlow, type Flow } from '../../support/flow-host.js';
import { waitUntil } from '../../support/wait.js';

/** The grace window as the key panel shows it, and the revoke's confirmation its button opens. */
interface Revoke {
  window: GraceWindow;
  dialog: RevokeDialog;
}

let mounted: Flow<Revoke> | undefined;
afterEach(() => mounted && unmountFlow(mounted));

/** A host whose account was reset with a grace window of `graceMinutes` (none: no window) before it loaded. */
async function mountRevoke(graceMinutes?: number) {
  mounted = await mountFlow(
    (port) => {
      const dialog = new RevokeDialog(port);
      return { dialog, window: new GraceWindow(port, dialog.open) };
    },
    (flow) => [flow.window.render(), flow.dialog.render()],
  );
  if (graceMinutes !== undefined) {
    await mounted.account.resetSecret(graceMinutes);
    await mounted.host.session!.load();
    await mounted.host.updateComplete;
  }
  return mounted;
}

const part = (flow: Flow<Revoke>, name: string) => byPart(flow.host, name);
const dialog = (flow: Flow<Revoke>) => part(flow, 'revoke-dialog') as HTMLDialogElement;

describe('GraceWindow and RevokeDialog', () => {
  it('shows no window and no button when the previous secret stopped at the reset', async () => {
    const flow = await mountRevoke(0);
    expect(allByPart(flow.host, 'previous-secret')).to.have.length(0);
    expect(allByPart(flow.host, 'revoke-previous-button')).to.have.length(0);
  });

  it('during a window, says when the previous secret stops working, with its Revoke button', async () => {
    const flow = await mountRevoke(60);
    expect(part(flow, 'previous-secret').textContent).to.match(/stops working in (1 hour|59 minutes)/);
    expect(allByPart(flow.host, 'revoke-previous-button')).to.have.length(1);
  });

  it('revokes once on confirm: the window goes, the event says so, focus does not fall to the page', async () => {
    const flow = await mountRevoke(60);
    part(flow, 'revoke-previous-button').click();
    expect(dialog(flow).open).to.equal(true);
    flow.requests.length = 0;
    const revoked = oneEvent(flow.host, 'ipos-previous-secret-revoked');
    part(flow, 'revoke-confirm-button').click();
    part(flow, 'revoke-confirm-button').click();

    const detail = ((await revoked) as CustomEvent<PreviousSecretRevokedDetail>).detail;
    expect(detail).to.have.keys(['apiKey', 'secretKeyHint']);
    expect(flow.requests).to.deep.equal(['POST /credentials/secret/previous/revoke']);
    await waitUntil(() => allByPart(flow.host, 'previous-secret').length === 0, 'the window stayed on screen');
    expect(part(flow, 'status').textContent).to.include('Only the current secret key works');
  });

  it('Cancel closes the confirmation, revokes nothing, and hands focus back to the button', async () => {
    const flow = await mountRevoke(60);
    part(flow, 'revoke-previous-button').click();
    flow.requests.length = 0;
    const closed = oneEvent(dialog(flow), 'close');
    part(flow, 'revoke-cancel-button').click();
    await closed;
    expect(dialog(flow).open).to.equal(false);
    expect(flow.requests).to.deep.equal([]);
    expect(flow.host.shadowRoot!.activeElement?.getAttribute('part')).to.equal('revoke-previous-button');
  });

  it('a window that ends while its confirmation is open closes the confirmation', async () => {
    const flow = await mountRevoke(60);
    part(flow, 'revoke-previous-button').click();
    // Another tab revoked it: this tab's session learns the window is over.
    await flow.account.call('POST', '/credentials/secret/previous/revoke');
    await flow.host.session!.load();
    await flow.host.updateComplete;
    expect(dialog(flow).open).to.equal(false);
    expect(allByPart(flow.host, 'previous-secret')).to.have.length(0);
  });
});
