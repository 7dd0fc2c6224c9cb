/** Swaps `navigator.clipboard` for a recorder (or a failure) and puts the real one back afterwards. */
export class ClipboardStub {
  /** What was written, in order. Tests read it; nothing else keeps it. */
  readonly written: string[] = [];
  private readonly original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');

  constructor(private readonly failure?: DOMException) {
    const stub = {
      write: async (items: ClipboardItem[]) => {
        const blob = await items[0].getType('text/plain');
        if (this.failure) throw this.failure;
        this.written.push(await blob.text());
      },
      writeText: async (text: string) => {
        if (this.failure) throw this.failure;
        this.written.push(text);
      },
    };
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => stub });
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
