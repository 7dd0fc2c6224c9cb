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
 * Puts text on the clipboard. Call it synchronously inside the click handler, passing a promise
 * for a value still being fetched: Safari only allows a clipboard write that starts within the
 * user gesture, which `ClipboardItem` with a promise satisfies; `writeText` is the fallback.
 * The value lives only in the promise and the Blob; nothing else keeps it.
 */
export async function copyText(text: string | Promise<string>, nav: Navigator = navigator): Promise<void> {
  const clipboard = nav.clipboard as Clipboard | undefined;
  if (!clipboard || !globalThis.isSecureContext) throw new ClipboardError('unavailable');
  try {
    if (typeof ClipboardItem === 'function' && typeof clipboard.write === 'function') {
      const blob = Promise.resolve(text).then((value) => new Blob([value], { type: 'text/plain' }));
      await clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
    } else {
      await clipboard.writeText(await text);
    }
  } catch (cause) {
    // A failure of the value's own promise (e.g. the backend) is the caller's to report, not a clipboard failure.
    if (await isRejected(text)) throw cause;
    const denied = cause instanceof DOMException && cause.name === 'NotAllowedError';
    throw new ClipboardError(denied ? 'denied' : 'failed', { cause });
  }
}

async function isRejected(value: string | Promise<string>): Promise<boolean> {
  try {
    await value;
    return false;
  } catch {
    return true;
  }
}
