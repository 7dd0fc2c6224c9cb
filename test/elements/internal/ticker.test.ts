import { aTimeout, expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Ticker } from '../../../src/elements/internal/ticker.js';
import { waitUntil } from '../../support/wait.js';

/** A host that only counts how often it was asked to render, and when. */
class CountingHost implements ReactiveControllerHost {
  updates = 0;
  readonly times: number[] = [];
  private readonly controllers: ReactiveController[] = [];
  readonly updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
    this.times.push(performance.now());
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

  it('asks for a render at once, then once a second and never sooner, while running and visible', async () => {
    const host = new CountingHost();
    const ticker = new Ticker(host);
    host.connect();
    ticker.running = true;
    // The catch-up render, at once.
    expect(host.updates).to.equal(1);
    // Then ticks. A loaded machine runs a timer late, never early: the nth tick comes n seconds after the start
    // or later, whatever the engine does with a late interval.
    await waitUntil(() => host.updates >= 3, 'the ticker did not tick twice');
    const [started, ...ticks] = host.times;
    ticks.forEach((at, index) => expect(at - started!).to.be.at.least((index + 1) * 1000 - 10));
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
