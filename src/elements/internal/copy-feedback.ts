import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { copyText } from './clipboard.js';
import { dispatchIposEvent, type CopyField, type ErrorAction } from '../events.js';
import { isAbort } from './failure.js';
import type { PanelFeedback } from './panel-feedback.js';

export interface CopyRequest<Field extends CopyField> {
  field: Field;
  /** The action named in `ipos-error` if the copy fails. */
  action: ErrorAction;
  /** The value, or a function fetching it, called only once copying is possible (still inside the click). */
  value: string | (() => Promise<string>);
  /** What the live region says on success; never the value itself. */
  copiedMessage: string;
  /** Runs the same copy again from the error's Retry button (a new user gesture). */
  retry: () => void;
  /** Aborted when the copy is no longer wanted (the account changed): it then ends silently. */
  signal?: AbortSignal;
}

/**
 * Copies values for a panel: the clipboard write, the announcement, the `ipos-copy` event, and
 * which button says "Copied" for a short while; failures go to the panel's error region.
 */
export class CopyFeedback<Field extends CopyField> implements ReactiveController {
  /** The field whose copy button shows its confirmation right now. */
  copied?: Field;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly feedback: PanelFeedback,
    /** How long "Copied" shows, in ms, the element's `feedback-duration`, already checked. */
    private readonly durationMs: () => number,
  ) {
    host.addController(this);
  }

  async copy({ field, action, value, copiedMessage, retry, signal }: CopyRequest<Field>): Promise<void> {
    try {
      await copyText(value);
      // Copied for an account no longer shown: saying so here would speak of the wrong account.
      if (signal?.aborted) return;
      this.feedback.clearFailure(action);
      this.show(field);
      this.feedback.announce(copiedMessage);
      dispatchIposEvent(this.host, 'ipos-copy', { field });
    } catch (error) {
      // A copy the element itself cancelled (disconnect, account change) is not the user's failure.
      if (isAbort(error) && (!this.host.isConnected || signal?.aborted)) return;
      this.feedback.fail(action, error, retry);
    }
  }

  /**
   * The click handler of a button copying a value the panel already has (it is also its own Retry);
   * nothing happens while `value()` has nothing to copy.
   */
  copyButton(
    field: Field,
    action: ErrorAction,
    value: () => string | undefined,
    copiedMessage: (value: string) => string,
  ): () => void {
    const click = () => {
      const current = value();
      if (current)
        void this.copy({ field, action, value: current, copiedMessage: copiedMessage(current), retry: click });
    };
    return click;
  }

  private show(field: Field): void {
    clearTimeout(this.timer);
    this.copied = field;
    this.host.requestUpdate();
    this.timer = setTimeout(() => this.clear(), this.durationMs());
  }

  private clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.copied === undefined) return;
    this.copied = undefined;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.clear();
  }
}
