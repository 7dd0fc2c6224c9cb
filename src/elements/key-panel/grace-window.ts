import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Credentials } from '../../contract/bodies.js';
import { formatMoment, formatRelative } from '../../i18n/time.js';
import { Ticker } from '../internal/ticker.js';
import type { KeyPanelPort } from './key-panel-port.js';

/** When the previous secret stops working (epoch ms), while that is still ahead; a backend that does not say: never. */
export function previousSecretEnds(credentials: Credentials | undefined): number | undefined {
  const ends = Date.parse(credentials?.keys?.previousSecretValidUntil ?? '');
  return ends > Date.now() ? ends : undefined;
}

/**
 * The grace window after a reset, on the key panel: when the previous secret stops working, counting down once a
 * second while it is on screen, and its "Revoke previous secret now" button, which opens the revoke's confirmation
 * (`revoke-dialog.ts`, loaded with the panel's other dialogs).
 */
export class GraceWindow implements ReactiveController {
  /** Counts down the window, once a second and only while it is open and on screen. */
  private readonly ticker: Ticker;

  constructor(
    private readonly port: KeyPanelPort,
    /** Opens the revoke's confirmation. */
    private readonly openRevoke: () => void,
  ) {
    port.host.addController(this);
    this.ticker = new Ticker(port.host);
  }

  hostUpdate(): void {
    this.ticker.running = previousSecretEnds(this.port.session()?.state.credentials) !== undefined;
  }

  /** "The previous secret key stops working in 59 minutes (…)", and its Revoke button, during a grace window only. */
  render(): TemplateResult | typeof nothing {
    const { t, session } = this.port;
    let ends = previousSecretEnds(session()?.state.credentials);
    // Hydrating, the server's DOM decides: the page's clock may disagree with the server's, the page's backend may
    // have no revoke. The update after hydration follows the page.
    const shown = this.port.shows('[part~="previous-secret"]', ends !== undefined);
    if (shown !== (ends !== undefined)) ends = shown ? Date.now() : undefined;
    if (ends === undefined) return nothing;
    const canRevoke = this.port.shows('[part~="revoke-previous-button"]', session()?.canRevokePreviousSecret === true);
    const locale = this.port.locale();
    const revoking = session()?.state.mutation === 'revoke-previous';
    const line = t('keys.previousValidUntil', {
      relative: formatRelative(ends - Date.now(), locale),
      time: formatMoment(new Date(ends).toISOString(), locale),
    });
    return html`<div class="previous-secret">
      <p class="meta" part="previous-secret">${line}</p>
      ${
        canRevoke
          ? html`<button
              type="button"
              class="danger"
              part="revoke-previous-button"
              aria-disabled=${revoking ? 'true' : nothing}
              @click=${this.openRevoke}
            >
              ${revoking ? t('keys.revokingPrevious') : t('keys.revokePrevious')}
            </button>`
          : nothing
      }
    </div>`;
  }
}
