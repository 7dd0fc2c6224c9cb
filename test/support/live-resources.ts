/**
 * Counts what the library leaves running: timers, window/document listeners and BroadcastChannels created
 * from its own code (src/ and Lit, recognised by stack), for "nothing left after disconnect" checks.
 */
/** Counts timers and window/document listeners created by the library (by stack) that are still live. */
export class LiveResources {
  private readonly timers = new Map<unknown, string>();
  private readonly listeners = new Map<string, string>();
  private readonly channels = new Map<BroadcastChannel, string>();
  private readonly restores: (() => void)[] = [];
  private ids = new WeakMap<object, number>();
  private nextId = 0;

  constructor() {
    const fromLibrary = () => {
      const stack = new Error().stack ?? '';
      // The project's own src/ and Lit; not the test helpers (their timers are the test's business).
      const library = /:\d+\/src\/|\/node_modules\/(@lit|lit|lit-html|lit-element)\//;
      return library.test(stack.split('\n').slice(3).join('\n')) ? stack : undefined;
    };
    const patch = <T extends object, K extends keyof T>(target: T, name: K, wrap: (original: T[K]) => T[K]) => {
      const original = target[name];
      target[name] = wrap(original);
      this.restores.push(() => (target[name] = original));
    };
    for (const name of ['setTimeout', 'setInterval'] as const) {
      patch(
        window,
        name,
        (original) =>
          ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
            const stack = fromLibrary();
            const id = (original as (h: TimerHandler, ms?: number, ...rest: unknown[]) => number).call(
              window,
              (...a: unknown[]) => {
                if (name === 'setTimeout') this.timers.delete(id);
                return typeof handler === 'function' ? (handler as (...x: unknown[]) => unknown)(...a) : undefined;
              },
              ms,
              ...args,
            );
            if (stack) this.timers.set(id, stack);
            return id;
          }) as never,
      );
    }
    for (const name of ['clearTimeout', 'clearInterval'] as const) {
      patch(
        window,
        name,
        (original) =>
          ((id?: number) => {
            this.timers.delete(id);
            (original as typeof clearTimeout).call(window, id);
          }) as never,
      );
    }
    for (const target of [window, document] as EventTarget[]) {
      const label = target === window ? 'window' : 'document';
      const key = (type: string, listener: unknown, options?: boolean | EventListenerOptions) =>
        `${label} ${type} ${this.idOf(listener)} ${typeof options === 'boolean' ? options : !!options?.capture}`;
      patch(
        target,
        'addEventListener',
        (original) =>
          function (this: EventTarget, type, listener, options) {
            const stack = fromLibrary();
            if (stack && listener) live.listeners.set(key(type, listener, options), stack);
            return original.call(this, type, listener, options);
          },
      );
      patch(
        target,
        'removeEventListener',
        (original) =>
          function (this: EventTarget, type, listener, options) {
            if (listener) live.listeners.delete(key(type, listener, options));
            return original.call(this, type, listener, options);
          },
      );
    }
    const channels = this.channels;
    patch(
      window,
      'BroadcastChannel',
      (Original) =>
        class extends Original {
          constructor(name: string) {
            super(name);
            const stack = fromLibrary();
            if (stack) channels.set(this, stack);
          }
          override close(): void {
            channels.delete(this);
            super.close();
          }
        },
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const live = this;
  }

  private idOf(listener: unknown): number {
    const object = listener as object;
    if (!this.ids.has(object)) this.ids.set(object, this.nextId++);
    return this.ids.get(object)!;
  }

  /** What is live now (timers, window/document listeners, open BroadcastChannels), with where it was made. */
  live(): string[] {
    return [
      ...[...this.timers.values()].map((stack) => `timer ${stack.split('\n').slice(2, 5).join(' ')}`),
      ...[...this.listeners.keys()].map((key) => `listener ${key}`),
      ...[...this.channels.values()].map((stack) => `channel ${stack.split('\n').slice(2, 5).join(' ')}`),
    ];
  }

  /** What is still live, with where it was made; then puts the originals back. */
  finish(): string[] {
    for (const restore of this.restores.reverse()) restore();
    return this.live();
  }
}
