import { takeReplayedCopy } from './early-events.js';

/** Why a copy failed, so the element can tell the user what to do about it. */
export type ClipboardFailure = 'unavailable' | 'denied' | 'failed';

export class ClipboardError extends Error {
  override readonly name = 'ClipboardError';
  constructor(
    readonly reason: ClipboardFailure,
    options?: ErrorOptions,
  ) {
    super(`Copy to clipboard ${reason}`, options);
  }
}

/**
 * Puts text on the clipboard. Call it synchronously inside the click handler; for a value still to be
 * fetched, pass a function returning its promise: it is called only when copying is possible, and the
 * write starts within the user gesture, as Safari requires (`ClipboardItem` with a promise; `writeText`
 * is the fallback). The value lives only in the promise and the Blob; nothing else keeps it.
 */
export async function copyText(value: string | (() => Promise<string>), nav: Navigator = navigator): Promise<void> {
  const clipboard = nav.clipboard as Clipboard | undefined;
  // A click made before the element hydrated started its write inside the user's gesture: this one finishes it.
  const started = takeReplayedCopy();
  if (!started && (!clipboard || !globalThis.isSecureContext)) throw new ClipboardError('unavailable');
  // Fetched only now that copying is possible, and synchronously: still inside the user gesture.
  const text = typeof value === 'function' ? value() : value;
  try {
    if (started) {
      started.resolve(text);
      await started.written;
    } else if (typeof ClipboardItem === 'function' && typeof clipboard!.write === 'function') {
      const blob = Promise.resolve(text).then((value) => new Blob([value], { type: 'text/plain' }));
      await clipboard!.write([new ClipboardItem({ 'text/plain': blob })]);
    } else {
      await clipboard!.writeText(await text);
    }
  } catch (cause) {
    // The value's own failure (e.g. the backend refused to reveal the secret) is the one to report,
    // whatever the browser's clipboard made of the rejected promise.
    const valueFailure = await rejectionOf(text);
    if (valueFailure !== undefined) throw valueFailure;
    const denied = cause instanceof DOMException && cause.name === 'NotAllowedError';
    throw new ClipboardError(denied ? 'denied' : 'failed', { cause });
  }
}

/** Why the value's promise rejected, or `undefined` when it resolved. */
async function rejectionOf(value: string | Promise<string>): Promise<unknown> {
  try {
    await value;
    return undefined;
  } catch (reason) {
    return reason ?? new Error('The value to copy could not be fetched');
  }
}
