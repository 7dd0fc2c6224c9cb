import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Keys } from '../../contract/bodies.js';
import { isAbort } from '../internal/failure.js';
import type { KeyPanelPort } from './key-panel-port.js';

const MASK = '••••••••••••••••••••••••••••';

export interface SecretRevealOptions {
  /** `allow-reveal`: without it the secret is never on screen, only copied. */
  allowed(): boolean;
  /** `reveal-timeout`, checked: seconds until a revealed secret masks itself again. */
  seconds(): number;
}

/**
 * The secret key on screen: fetched on Show, masked again on Hide, after `reveal-timeout`, when the page loses focus
 * or is hidden, when `allow-reveal` goes, and whenever the panel says so (a reset, an account change, disconnection).
 * While masked, the secret is nowhere in the DOM: the masked view is built from `secretKeyHint` alone.
 */
export class SecretReveal implements ReactiveController {
  /** The secret, only while revealed. */
  secret?: string;
  /** The reveal in flight: a second click waits for it; Hide, blur and an account change abort it. */
  private revealing?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly port: KeyPanelPort,
    private readonly options: SecretRevealOptions,
  ) {
    port.host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('blur', this.hide);
    document.addEventListener('visibilitychange', this.hideWhenPageHidden);
  }

  hostDisconnected(): void {
    window.removeEventListener('blur', this.hide);
    document.removeEventListener('visibilitychange', this.hideWhenPageHidden);
  }

  hostUpdate(): void {
    if (!this.options.allowed()) this.hide();
  }

  /** The secret key's value (masked, or revealed) and, with `allow-reveal`, its Show/Hide button. */
  render(keys: Keys): TemplateResult {
    const { t } = this.port;
    const revealed = this.secret;
    return html`${
      revealed
        ? html`<code class="key-text" part="secret-key" dir="ltr" aria-labelledby="secret-key-label">${revealed}</code>`
        : // A screen reader reads words, not the prefix and 28 bullets the eye sees.
          html`<code class="key-text masked" part="secret-key" dir="ltr" aria-hidden="true"
              >dskey_${MASK}${keys.secretKeyHint}</code
            ><span class="visually-hidden">${t('keys.secretMasked', { hint: keys.secretKeyHint })}</span>`
    }
    ${
      this.options.allowed()
        ? html`<button type="button" part="reveal-button" @click=${this.toggle}>
            ${revealed ? t('keys.hide') : t('keys.reveal')}<span class="visually-hidden"> ${t('keys.secretKey')}</span>
          </button>`
        : nothing
    }`;
  }

  /** Show, or Hide when shown. */
  readonly toggle = async (): Promise<void> => {
    if (this.secret) return this.hide();
    const session = this.port.session();
    // One reveal at a time: a second click while the first is on its way asks for nothing more.
    if (!session || !this.options.allowed() || this.revealing) return;
    const revealing = (this.revealing = new AbortController());
    try {
      const secret = await session.fetchSecret(revealing.signal);
      // Hidden, blurred or switched meanwhile: the answer is not wanted any more.
      if (revealing.signal.aborted) return;
      const seconds = this.options.seconds();
      this.secret = secret;
      this.port.feedback.announce(this.port.t('keys.revealed', { count: seconds }));
      this.timer = setTimeout(this.hide, seconds * 1000);
    } catch (error) {
      if (!isAbort(error)) this.port.feedback.fail('reveal-secret', error, this.toggle);
    } finally {
      if (this.revealing === revealing) this.revealing = undefined;
    }
  };

  /** Masks the secret and cancels a reveal on its way: a hidden secret never comes back without a new Show. */
  readonly hide = (): void => {
    this.revealing?.abort();
    this.revealing = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.secret === undefined) return;
    this.secret = undefined;
    this.port.host.requestUpdate();
  };

  private readonly hideWhenPageHidden = (): void => {
    if (document.visibilityState === 'hidden') this.hide();
  };
}
