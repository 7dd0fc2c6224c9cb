// Issue 12, finding 10 (client side): an answer is read up to a limit, never buffered whole, and the server's
// errorCode / errorMessage reach BackendError capped.
import { describe, expect, it } from 'vitest';
import type { BackendError } from '../../../src/backend/backend-error.js';
import {
  HttpBackend,
  MAX_ANSWER_BYTES,
  MAX_ERROR_CODE_LENGTH,
  MAX_ERROR_MESSAGE_LENGTH,
} from '../../../src/backend/http-backend.js';

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

/** A body streamed in 64 KiB chunks: `head`, then `filler` repeated until `totalBytes`, then `tail`; counts what was read. */
function streamedBody(head: string, filler: string, tail: string, totalBytes: number) {
  const read = { bytes: 0, cancelled: false };
  const chunk = encoder.encode(filler.repeat(Math.ceil((64 * 1024) / filler.length)));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = sent === 0 ? encoder.encode(head) : sent >= totalBytes ? encoder.encode(tail) : chunk;
      if (sent > totalBytes) return controller.close();
      sent += next.byteLength || 1;
      read.bytes += next.byteLength;
      controller.enqueue(next);
    },
    cancel() {
      read.cancelled = true;
    },
  });
  return { stream, read };
}

const backendAnswering = (response: () => Response) =>
  new HttpBackend({ baseUrl: '/api', fetch: (async () => response()) as typeof fetch, retries: 0 });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as BackendError,
  );

describe('HttpBackend answer size limit', () => {
  it(`refuses a valid 2xx answer larger than ${MAX_ANSWER_BYTES / MiB} MiB with invalid-response, reading no more than the limit`, async () => {
    const entry = '{"tpn":"139322815010","label":"Front desk"},';
    const { stream, read } = streamedBody('{"terminals":[', entry, '{"tpn":"139322815010","label":"x"}]}', 3 * MiB);

    const error = await failure(backendAnswering(() => new Response(stream, { status: 200 })).listTerminals());

    expect(error.code).toBe('invalid-response');
    expect(error.message).toMatch(/larger than 1 MiB/);
    expect(read.bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES + 128 * 1024);
    expect(read.cancelled).toBe(true);
  });

  it('refuses at once an answer whose Content-Length is over the limit', async () => {
    const { stream, read } = streamedBody('{', ' ', '}', 3 * MiB);
    const response = () => new Response(stream, { status: 200, headers: { 'Content-Length': String(300 * MiB) } });

    const error = await failure(backendAnswering(response).getCredentials());

    expect(error.code).toBe('invalid-response');
    expect(read.bytes).toBeLessThanOrEqual(128 * 1024);
  });

  it('still reads an answer just under the limit', async () => {
    const label = 'x'.repeat(MAX_ANSWER_BYTES - 200);
    const body = JSON.stringify({ terminals: [{ tpn: '139322815010', label }] });

    const terminals = await backendAnswering(() => new Response(body, { status: 200 })).listTerminals();

    expect(terminals[0]!.label).toHaveLength(label.length);
  });

  it('drops a 5 MB error body: the status alone makes the error, with a short message', async () => {
    const body = JSON.stringify({ errorCode: 'E', errorMessage: 'm'.repeat(5_000_000) });

    const error = await failure(backendAnswering(() => new Response(body, { status: 503 })).getCredentials());

    expect(error).toMatchObject({ code: 'server', status: 503, errorCode: undefined, errorMessage: undefined });
    expect(error.message.length).toBeLessThan(100);
  });

  it('caps a 900 KB errorMessage and a long errorCode, in the error and its message', async () => {
    const body = JSON.stringify({ errorCode: 'E'.repeat(10_000), errorMessage: 'm'.repeat(900_000) });

    const error = await failure(backendAnswering(() => new Response(body, { status: 400 })).getCredentials());

    expect(error.code).toBe('invalid-request');
    expect(error.errorCode!.length).toBeLessThanOrEqual(MAX_ERROR_CODE_LENGTH);
    expect(error.errorMessage!.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(error.errorMessage!.endsWith('…')).toBe(true);
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + MAX_ERROR_CODE_LENGTH + 100);
  });

  it('keeps a short errorCode and errorMessage as sent', async () => {
    const body = JSON.stringify({ errorCode: 'TOKEN_GRACE_EXPIRED', errorMessage: 'The grace period is over.' });

    const error = await failure(
      backendAnswering(() => new Response(body, { status: 401 })).refreshToken({ token: 'a.b.c' }),
    );

    expect(error).toMatchObject({ errorCode: 'TOKEN_GRACE_EXPIRED', errorMessage: 'The grace period is over.' });
  });
});
