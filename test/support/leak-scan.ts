import { IPOS_EVENT_NAMES, type IposEventName } from '../../src/elements/events.js';
import { eachTest } from './hooks.js';

/**
 * Where a value appears in the page: text, any attribute (title and aria-* included) and
 * form values, through every open shadow root. Empty when the value is nowhere in the DOM.
 */
export function findInDom(value: string, root: Node = document): string[] {
  const places: string[] = [];
  const visit = (node: Node, path: string) => {
    if (node.nodeType === Node.TEXT_NODE && node.textContent?.includes(value)) places.push(`${path} #text`);
    if (node instanceof Element) {
      const here = `${path} > ${node.localName}`;
      for (const attribute of node.attributes) {
        if (attribute.value.includes(value)) places.push(`${here}[${attribute.name}]`);
      }
      if ((node as HTMLInputElement).value?.includes?.(value)) places.push(`${here}.value`);
      if (node.shadowRoot) visit(node.shadowRoot, `${here}::shadow`);
    }
    for (const child of node.childNodes) visit(child, path);
  };
  visit(root, '');
  return places;
}

/** Records every ipos event that reaches the document, with its detail, from its making until `dispose()`. */
export class EventLog {
  readonly events: { type: IposEventName; detail: unknown }[] = [];
  private readonly record = (event: Event) =>
    this.events.push({ type: event.type as IposEventName, detail: (event as CustomEvent).detail });

  /** One log for every test of the suite: it records from each test's start to its end. */
  static eachTest(): EventLog {
    return eachTest(new EventLog());
  }

  constructor() {
    this.start();
  }

  start(): void {
    this.events.length = 0;
    for (const name of IPOS_EVENT_NAMES) document.addEventListener(name, this.record);
  }

  of<T = unknown>(type: IposEventName): T[] {
    return this.events.filter((event) => event.type === type).map((event) => event.detail as T);
  }

  /** Everything the events carried, as one string to search for leaks. */
  serialized(): string {
    return JSON.stringify(this.events);
  }

  dispose(): void {
    for (const name of IPOS_EVENT_NAMES) document.removeEventListener(name, this.record);
  }
}

/** Records everything written to the console, from its making until `dispose()`. */
export class ConsoleLog {
  readonly lines: string[] = [];
  private readonly originals = new Map<string, (...args: unknown[]) => void>();

  /** One log for every test of the suite: it records from each test's start to its end. */
  static eachTest(): ConsoleLog {
    return eachTest(new ConsoleLog());
  }

  constructor() {
    this.start();
  }

  start(): void {
    this.lines.length = 0;
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      this.originals.set(method, original);
      console[method] = (...args: unknown[]) => {
        this.lines.push(
          args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '),
        );
        original.apply(console, args);
      };
    }
  }

  dispose(): void {
    for (const [method, original] of this.originals) (console as unknown as Record<string, unknown>)[method] = original;
    this.originals.clear();
  }
}
