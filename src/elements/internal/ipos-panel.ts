import { html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { IposContextElement } from './ipos-context-element.js';
import { PanelFeedback } from './panel-feedback.js';

/** What a panel's card shows: its heading, whether it is busy, and why it cannot work (if so). */
export interface PanelCard {
  heading: string;
  busy: boolean;
  /** Shown instead of the body: a missing role or backend, or a role the panel is not for. */
  problem?: string;
}

/** The base of the two panels: one card layout, one feedback region, one public `retry()`. */
export class IposPanel extends IposContextElement {
  protected readonly feedback = new PanelFeedback(this, (key) => this.t(key));

  /**
   * With preloaded data: show it at once, then load it again in the background and show the fresh answer
   * (stale-while-revalidate: one GET after the first paint). Off by default: a preload stands until the account
   * changes. Set it when the page may be served from a cache. The provider's `revalidate` applies to its panels.
   */
  @property({ type: Boolean }) revalidate = false;

  /** Whether a preload is loaded again in the background: this panel's `revalidate`, or its provider's. */
  protected get activeRevalidate(): boolean {
    return this.revalidate || this.inherited?.revalidate === true;
  }

  /**
   * Runs the last failed action again — what the error's Retry button does — so that a host can
   * re-authenticate after an `ipos-error` with code `unauthenticated` (or wait after `rate-limited`)
   * and continue without asking the user to click again. A retried reset, generate or token request
   * reuses the failed attempt's `Idempotency-Key`, so it never happens twice. A retried copy runs
   * outside a user gesture when called from code, so the browser may refuse the clipboard write (then
   * the panel shows a clipboard error and the user's own Retry click works).
   * @returns whether there was a retryable failure to run again.
   */
  retry(): boolean {
    return this.feedback.retry();
  }

  /** Why the panel cannot work with its settings: no valid role, or no backend. */
  protected settingsProblem(): string | undefined {
    return this.roleProblem() ?? (this.activeBackend ? undefined : this.t('backend.missing'));
  }

  /** The card: heading, the problem or the body, the status live region, and what follows it (a dialog). */
  protected renderCard(card: PanelCard, body: () => unknown, after?: TemplateResult) {
    return html`<section
      class=${this.baseClasses}
      part="base"
      lang=${this.activeLocale}
      dir=${this.direction}
      aria-labelledby="heading"
      aria-busy=${card.busy ? 'true' : 'false'}
    >
      <h2 class="heading" id="heading">${card.heading}</h2>
      ${card.problem ? html`<p class="error" part="error" role="alert">${card.problem}</p>` : body()}
      ${this.feedback.renderStatus()} ${after}
    </section>`;
  }
}
