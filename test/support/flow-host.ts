/**
 * A stand-in for `<ipos-key-panel>` that binds one of its flows (secret reveal, reset dialog, revoke dialog) and
 * nothing else: the account's `KeysSession` over the reference backend, the panel's feedback and its English, as
 * the panel lends them. The flow's own tests drive it through this host.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { KeyPanelPort } from '../../src/elements/key-panel/key-panel-port.js';
import { PanelFeedback } from '../../src/elements/internal/panel-feedback.js';
import { KeysSession } from '../../src/headless/keys-session.js';
import { en } from '../../src/i18n/en.js';
import { translate } from '../../src/i18n/localize.js';
import type { UserRole } from '../../src/contract/roles.js';
import { ReferenceSession } from './reference-session.js';

export class FlowHost extends LitElement {
  session?: KeysSession;
  readonly feedback = new PanelFeedback(this, (key) => translate(key, undefined, en, undefined));
  readonly port: KeyPanelPort = {
    host: this,
    feedback: this.feedback,
    session: () => this.session,
    t: (key, params) => translate(key, params, en, undefined),
    locale: () => 'en',
    shows: (_selector, pageShows) => pageShows,
  };
  /** The flow's templates, rendered above the status and error regions. */
  content: () => unknown = () => nothing;

  override render(): TemplateResult {
    return html`${this.content()}${this.feedback.renderStatus()}${this.feedback.renderFailure()}`;
  }
}
customElements.define('test-flow-host', FlowHost);

export interface Flow<T> {
  host: FlowHost;
  flow: T;
  /** The demo account the host acts for, over real HTTP. */
  account: ReferenceSession;
  /** Every request the host's backend sent, as `METHOD /path`. */
  requests: string[];
}

/**
 * A connected host acting for a fresh demo account that has keys, its session loaded, with `bind(port)` as its flow
 * and `render(flow)` as its content.
 */
export async function mountFlow<T>(
  bind: (port: KeyPanelPort) => T,
  render: (flow: T, host: FlowHost) => unknown,
  role: UserRole = 'iso',
): Promise<Flow<T>> {
  const account = new ReferenceSession(role);
  await account.call('POST', '/credentials');
  const host = document.createElement('test-flow-host') as FlowHost;
  const flow = bind(host.port);
  host.content = () => render(flow, host);
  const session = KeysSession.for(account.backend(), role);
  session.subscribe(() => host.requestUpdate());
  await session.load();
  host.session = session;
  document.body.append(host);
  await host.updateComplete;
  return { host, flow, account, requests: account.requests };
}

/** Removes the host and lets its session go. */
export function unmountFlow(flow: Flow<unknown>): void {
  flow.host.remove();
  flow.host.session?.release();
}
