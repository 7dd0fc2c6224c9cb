/** How the servers answer: JSON bodies, `{ errorCode, errorMessage }` errors, never cached. */

/** An answer before it becomes a `Response`. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A refusal with the contract's error body; thrown anywhere in a handler, answered by the pipeline. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly headers?: Record<string, string>,
  ) {
    super(errorMessage);
  }

  toAnswer(): Answer {
    return {
      status: this.status,
      body: { errorCode: this.errorCode, errorMessage: this.errorMessage },
      headers: this.headers,
    };
  }
}

/** Every answer carries `no-store`: bodies hold secrets and tokens that no cache may keep. */
export const BASE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store' };

export function toResponse(answer: Answer): Response {
  const headers = new Headers({ ...BASE_HEADERS, ...answer.headers });
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers });
  headers.set('Content-Type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
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

async function readUtf8(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new Problem(413, 'BODY_TOO_LARGE', `The body must be at most ${maxBytes} bytes.`);
  if (Number(request.headers.get('Content-Length')) > maxBytes) throw tooLarge();
  const bytes = new Uint8Array(maxBytes);
  let length = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (length + chunk.value.byteLength > maxBytes) {
        await reader.cancel();
        throw tooLarge();
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

/** Deepest nesting of arrays and objects a body may have: no contract body needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

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
