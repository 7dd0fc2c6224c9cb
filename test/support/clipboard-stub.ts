/** Swaps `navigator.clipboard` for a recorder (or a failure) and puts the real one back afterwards. */
export class ClipboardStub {
  /** A clipboard for the tests of the suite that ask for one; whatever a test swapped in is put back after it. */
  static eachTest(): ClipboardHook {
    return new ClipboardHook();
  }

  /** What was written, in order. Tests read it; nothing else keeps it. */
  readonly written: string[] = [];
  /** Writes begun and not yet finished (the browser reads the item's blob asynchronously). */
  private writing = new Set<Promise<void>>();
  private readonly original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');

  constructor(private readonly failure?: DOMException) {
    const stub = {
      write: (items: ClipboardItem[]) => {
        const write = (async () => {
          const blob = await items[0].getType('text/plain');
          if (this.failure) throw this.failure;
          this.written.push(await blob.text());
        })();
        this.writing.add(write);
        void write.catch(() => undefined).finally(() => this.writing.delete(write));
        return write;
      },
      writeText: async (text: string) => {
        if (this.failure) throw this.failure;
        this.written.push(text);
      },
    };
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => stub });
  }

  /** Resolves once every write begun so far has finished (or failed). */
  async idle(): Promise<void> {
    while (this.writing.size) await Promise.allSettled([...this.writing]);
  }

  static denied(): ClipboardStub {
    return new ClipboardStub(new DOMException('Write permission denied.', 'NotAllowedError'));
  }

  /** No clipboard API at all, as on an insecure page. */
  static missing(): { restore(): void } {
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => undefined });
    return { restore: () => Object.defineProperty(Navigator.prototype, 'clipboard', original!) };
  }

  restore(): void {
    Object.defineProperty(Navigator.prototype, 'clipboard', this.original!);
  }
}

/** Swaps the clipboard in a test that asks for it (`stub()`, `denied()`, `missing()`), and puts it back after the test. */
export class ClipboardHook {
  private swapped?: { restore(): void };

  constructor() {
    afterEach(() => this.restore());
  }

  /** A recorder of what is written. */
  stub(): ClipboardStub {
    return this.swap(new ClipboardStub());
  }

  /** A clipboard whose permission the browser refused. */
  denied(): ClipboardStub {
    return this.swap(ClipboardStub.denied());
  }

  /** No clipboard API at all, as on an insecure page. */
  missing(): void {
    this.swap(ClipboardStub.missing());
  }

  restore(): void {
    this.swapped?.restore();
    this.swapped = undefined;
  }

  private swap<T extends { restore(): void }>(clipboard: T): T {
    this.restore();
    return (this.swapped = clipboard);
  }
}
