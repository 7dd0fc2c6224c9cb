import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Remembers which copy button just succeeded, for a short while, so its label can say "Copied". */
export class CopyFeedback<Field extends string> implements ReactiveController {
  /** The field whose copy button shows its confirmation right now. */
  copied?: Field;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly durationMs: () => number,
  ) {
    host.addController(this);
  }

  show(field: Field): void {
    clearTimeout(this.timer);
    this.copied = field;
    this.host.requestUpdate();
    this.timer = setTimeout(() => this.clear(), this.durationMs());
  }

  clear(): void {
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
