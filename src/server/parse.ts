/**
 * The first stage of a request: reading it. The path under the base path, the `Idempotency-Key` header and the
 * JSON body, each refused with a clear 4xx when it is not what the contract allows (never a 500).
 */
import type { RouteDefinition } from '../contract/routes.js';
import { Problem } from './answer.js';

/** `Idempotency-Key` values: printable ASCII, like Stripe's and the IETF draft's. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Deepest nesting of arrays and objects a body may have: no contract body needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** The path after the base path, without a trailing slash; 404 outside the base path. */
export function pathUnder(basePath: string, request: Request): string {
  const { pathname } = new URL(request.url);
  const inside = pathname === basePath || pathname.startsWith(`${basePath}/`);
  if (!inside) throw new Problem(404, 'NOT_FOUND', `No route here: the credentials server serves ${basePath}/.`);
  return pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
}

/**
 * The request's `Idempotency-Key`, or null. Checked on every route, not only where replays happen: a malformed
 * header is the client's bug to hear about.
 */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get('Idempotency-Key');
  if (key !== null && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new Problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 printable ASCII characters.');
  }
  return key;
}

/** An operation's body: its text (what a replay is matched on) and its parsed value (undefined when none). */
export interface OperationBody {
  text: string;
  value: unknown;
}

const NO_BODY: OperationBody = { text: '', value: undefined };

/** Reads the body of an operation: none for a route that takes none (read and refused earlier), else its JSON. */
export async function readOperationBody(
  route: RouteDefinition,
  request: Request,
  maxBytes: number,
): Promise<OperationBody> {
  if (route.request === undefined) return NO_BODY;
  const text = route.requestOptional
    ? await readOptionalJsonText(request, maxBytes)
    : await readJsonText(request, maxBytes);
  return { text, value: text === '' ? undefined : parseJson(text) };
}

const unsupportedMediaType = () =>
  new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with the header Content-Type: application/json.');

function isJsonMediaType(request: Request): boolean {
  return request.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The raw JSON body text, refused with 415 unless JSON, 413 past `maxBytes`, 400 unless UTF-8. */
export async function readJsonText(request: Request, maxBytes: number): Promise<string> {
  if (!isJsonMediaType(request)) throw unsupportedMediaType();
  return readUtf8(request, maxBytes);
}

/**
 * For routes that take no body: none (or an empty one) is fine, and so is a JSON one within
 * `maxBytes` (ignored); anything else is refused like a bad JSON body (413, 415, 400), never a 500.
 */
export async function refuseUnexpectedBody(request: Request, maxBytes: number): Promise<void> {
  const text = await readOptionalJsonText(request, maxBytes);
  if (text !== '') parseJson(text);
}

/** The JSON body text of a route whose body may be left out: `''` for none, else as `readJsonText`. */
export async function readOptionalJsonText(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return '';
  const text = await readUtf8(request, maxBytes);
  if (text !== '' && !isJsonMediaType(request)) throw unsupportedMediaType();
  return text;
}

/** The 413 of a body over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): Problem {
  return new Problem(413, 'BODY_TOO_LARGE', `The body must be at most ${maxBytes} bytes.`);
}

async function readUtf8(request: Request, maxBytes: number): Promise<string> {
  if (Number(request.headers.get('Content-Length')) > maxBytes) throw bodyTooLarge(maxBytes);
  const bytes = new Uint8Array(maxBytes);
  let length = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (length + chunk.value.byteLength > maxBytes) {
        await reader.cancel();
        throw bodyTooLarge(maxBytes);
      }
      bytes.set(chunk.value, length);
      length += chunk.value.byteLength;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length));
  } catch {
    throw new Problem(400, 'INVALID_JSON', 'The body is not valid UTF-8 JSON.');
  }
}

/** Parses JSON text, refusing anything else with 400 `INVALID_JSON` and bodies nested too deeply with 400 `INVALID_REQUEST`. */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Problem(400, 'INVALID_JSON', 'The body is not valid JSON.');
  }
  if (depthOf(value) > MAX_JSON_DEPTH) {
    throw new Problem(400, 'INVALID_REQUEST', `The body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

/** How deeply arrays and objects nest in a parsed JSON value (iterative: no stack to overflow). */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}
