import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host once a second while `running` and the page is visible, and never otherwise:
 * a countdown nobody can see costs nothing, and a disconnected element leaves no timer behind.
 */
export class Ticker implements ReactiveController {
  private interval?: ReturnType<typeof setInterval>;
  private connected = false;
  private wanted = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Starts or stops ticking; cheap to call on every update. */
  set running(value: boolean) {
    this.wanted = value;
    this.sync();
  }

  hostConnected(): void {
    this.connected = true;
    document.addEventListener('visibilitychange', this.sync);
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    document.removeEventListener('visibilitychange', this.sync);
    this.sync();
  }

  private readonly sync = (): void => {
    const shouldRun = this.connected && this.wanted && document.visibilityState === 'visible';
    if (shouldRun && this.interval === undefined) {
      this.interval = setInterval(this.tick, 1000);
      // Catch up at once after the page was hidden.
      this.host.requestUpdate();
    } else if (!shouldRun && this.interval !== undefined) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
  };

  private readonly tick = (): void => {
    this.host.requestUpdate();
  };
}
