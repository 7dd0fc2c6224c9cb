/** Small helpers for talking to a reference server in tests. */
import type { ReferenceServer } from '../../src/reference/index.js';
import type { UserRole } from '../../src/contract/roles.js';

export interface CallOptions {
  /** Demo account header; `null` sends none. */
  account?: UserRole | string | null;
  session?: string;
  headers?: Record<string, string>;
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** A raw body, sent as is. */
  body?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls `server.handle()` with a `Request` for `{base}{path}`. */
export async function call(
  server: ReferenceServer,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers = new Headers(options.headers);
  const account = options.account === undefined ? 'merchant' : options.account;
  if (account !== null) headers.set('X-Ipos-Demo-Account', account);
  if (options.session !== undefined) headers.set('X-Ipos-Demo-Session', options.session);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  }
  const response = await server.handle(
    new Request(`http://localhost${server.basePath}${path}`, { method, headers, body }),
  );
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

let counter = 0;
/** A fresh demo session id, so every test has its own accounts. */
export function newSession(): string {
  counter += 1;
  return `test-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
