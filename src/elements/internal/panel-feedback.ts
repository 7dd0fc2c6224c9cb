import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { dispatchIposEvent, type ErrorAction } from '../events.js';
import type { CatalogKey } from '../../i18n/en.js';
import { describeFailure, type Failure } from './failure.js';

export interface FailureWording {
  message?: string;
  retryLabel?: string;
}

type Host = ReactiveControllerHost & HTMLElement;

/**
 * What a panel tells its user: success and info messages in the `status` live region, and the
 * last failure in the `error` region with a Retry that runs the failed action again (a click, so
 * a retried copy is still inside a user gesture). Every failure is also an `ipos-error` event.
 */
export class PanelFeedback {
  status = '';
  failure?: Failure;
  private retryAction?: () => void;
  private retryLabel?: string;

  constructor(
    private readonly host: Host,
    /** The panel's wording, in its language. */
    private readonly t: (key: CatalogKey) => string,
  ) {}

  announce(message: string): void {
    this.status = message;
    this.host.requestUpdate();
  }

  /**
   * Shows and reports a failure. `wording` replaces the generic message and the Retry label where the
   * panel knows better (e.g. "generate a new token" once a refresh can no longer succeed).
   */
  fail(action: ErrorAction, error: unknown, retry?: () => void, wording: FailureWording = {}): void {
    const failure = describeFailure(action, error, this.t);
    if (wording.message) failure.message = wording.message;
    this.failure = failure;
    this.retryAction = retry;
    this.retryLabel = wording.retryLabel;
    this.status = '';
    this.host.requestUpdate();
    dispatchIposEvent(this.host, 'ipos-error', { code: failure.code, message: failure.message, action });
  }

  /** Clears the failure (only if it was for `action`, when given): the user's next attempt worked. */
  clearFailure(action?: ErrorAction): void {
    if (!this.failure || (action && this.failure.action !== action)) return;
    this.failure = undefined;
    this.retryAction = undefined;
    this.retryLabel = undefined;
    this.host.requestUpdate();
  }

  /** Runs the failed action again, as the Retry button does; `false` when there is nothing to retry. */
  retry(): boolean {
    const action = this.retryAction;
    if (!this.failure?.retryable || !action) return false;
    action();
    return true;
  }

  renderStatus(): TemplateResult {
    // `nothing`, not '': a server-rendered empty text has no node, and hydration could not write the first message.
    return html`<p class="status" part="status" role="status">${this.status || nothing}</p>`;
  }

  renderFailure(): TemplateResult | typeof nothing {
    if (!this.failure) return nothing;
    return html`<div class="error" part="error" role="alert">
      <span>${this.failure.message}</span>
      ${
        this.failure.retryable && this.retryAction
          ? html`<button type="button" part="retry-button" @click=${this.retryAction}>
              ${this.retryLabel ?? this.t('action.retry')}
            </button>`
          : nothing
      }
    </div>`;
  }
}
