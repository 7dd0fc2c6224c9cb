import { aTimeout, expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Ticker } from '../../../src/elements/internal/ticker.js';

/** A host that only counts how often it was asked to render. */
class CountingHost implements ReactiveControllerHost {
  updates = 0;
  private readonly controllers: ReactiveController[] = [];
  readonly updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
  }
  connect(): void {
    for (const controller of this.controllers) controller.hostConnected?.();
  }
  disconnect(): void {
    for (const controller of this.controllers) controller.hostDisconnected?.();
  }
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('Ticker (the expiry countdown’s clock)', () => {
  afterEach(() => {
    delete (document as { visibilityState?: unknown }).visibilityState;
  });

  it('asks for a render at most once a second while running and visible', async () => {
    const host = new CountingHost();
    const ticker = new Ticker(host);
    host.connect();
    ticker.running = true;
    const start = host.updates;
    await aTimeout(2300);
    // One catch-up render when it starts, then one per second.
    expect(host.updates - start).to.be.within(2, 3);
    host.disconnect();
  });

  it('does nothing while the page is hidden, and catches up when it shows again', async () => {
    const host = new CountingHost();
    const ticker = new Ticker(host);
    host.connect();
    setVisibility('hidden');
    ticker.running = true;
    const hiddenStart = host.updates;
    await aTimeout(1300);
    expect(host.updates - hiddenStart).to.equal(0);
    setVisibility('visible');
    expect(host.updates - hiddenStart).to.equal(1);
    host.disconnect();
  });

  it('stops when not running and when the host disconnects', async () => {
    const host = new CountingHost();
    const ticker = new Ticker(host);
    host.connect();
    ticker.running = true;
    ticker.running = false;
    const afterStop = host.updates;
    await aTimeout(1200);
    expect(host.updates).to.equal(afterStop);

    ticker.running = true;
    host.disconnect();
    const afterDisconnect = host.updates;
    await aTimeout(1200);
    expect(host.updates).to.equal(afterDisconnect);
  });
});
