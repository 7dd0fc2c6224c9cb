/**
 * Bodies over the limit are refused as soon as the limit is passed, not once the client stops sending: at once
 * from a declared `Content-Length`, after one byte too many of a chunked body, with the connection closed; a
 * body that trickles is answered 408 after the adapter's body timeout. Raw sockets, as a hostile client sends.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeListener, nodeMiddleware } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { loopbackServers, testServer } from './harness.js';

const servers = loopbackServers();
afterEach(servers.closeAll);

const listen = async (server: Server) => Number(new URL(await servers.listen(server)).port);

/** A raw client: what it sent before the first byte of an answer came back, the answer, and whether the server closed. */
interface Exchange {
  answer: string;
  sentBeforeAnswer: number;
  closedByServer: boolean;
}

/**
 * Sends `head`, then `chunk` again and again (awaiting the socket's drain, and `pause` between chunks if given)
 * until an answer arrives or `maxBytes` were sent; then waits for the server to close the connection.
 */
function exchange(port: number, head: string, chunk: Buffer, options: { maxBytes: number; pauseMs?: number }) {
  return new Promise<Exchange>((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let sentBeforeAnswer = -1;
    let closedByServer = false;
    socket.on('data', (data) => {
      if (sentBeforeAnswer < 0) sentBeforeAnswer = sent;
      answer += data.toString('latin1');
    });
    socket.on('end', () => (closedByServer = true));
    // A reset while the client still writes, after the answer, is the server closing too.
    socket.on(
      'error',
      (error: NodeJS.ErrnoException) => (closedByServer ||= error.code === 'ECONNRESET' || error.code === 'EPIPE'),
    );
    socket.on('close', () => resolve({ answer, sentBeforeAnswer, closedByServer }));
    socket.once('connect', async () => {
      socket.write(head);
      while (sentBeforeAnswer < 0 && sent < options.maxBytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((resume) => socket.once('drain', resume).once('close', resume));
        if (options.pauseMs) await new Promise((resume) => setTimeout(resume, options.pauseMs));
      }
      // Then the client waits, sending nothing more: the answer and the server's close end the exchange.
    });
  });
}

const head = (headers: string, request = 'POST /api/ipos/tokens') =>
  `${request} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test-Account: bodies\r\nContent-Type: application/json\r\n${headers}\r\n`;

/** The body timeout of the tests that wait for it; the others have a minute, so a loaded machine never reaches it. */
const STALL_MS = 300;

describe.each([
  [
    'http.createServer(nodeListener(…))',
    (bodyTimeoutMs = 60_000) => createServer(nodeListener(testServer(memoryStore()), { bodyTimeoutMs })),
  ],
  [
    'Express with nodeMiddleware(…)',
    (bodyTimeoutMs = 60_000) => {
      const app = express();
      app.use(nodeMiddleware(testServer(memoryStore()), { bodyTimeoutMs }));
      return createServer(app);
    },
  ],
])('%s', (_name, make) => {
  it('answers a declared 200 MiB body 413 before reading it, and closes the connection', async () => {
    const port = await listen(make());
    const result = await exchange(
      port,
      head(`Content-Length: ${200 * 1024 * 1024}\r\n`),
      Buffer.alloc(64 * 1024, 120),
      {
        maxBytes: 200 * 1024 * 1024,
      },
    );
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.answer).toMatch(/"errorCode":"BODY_TOO_LARGE"/);
    expect(result.answer.toLowerCase()).toContain('connection: close');
    // What the kernel buffers between the two, at most: nowhere near the 200 MiB.
    expect(result.sentBeforeAnswer).toBeLessThan(16 * 1024 * 1024);
    expect(result.closedByServer).toBe(true);
  });

  it('answers a chunked body 413 once it passes 16 KiB, while the client is still sending', async () => {
    const port = await listen(make());
    const chunk = Buffer.from(`400\r\n${'x'.repeat(1024)}\r\n`); // 1 KiB chunks, 10 ms apart
    const result = await exchange(port, head('Transfer-Encoding: chunked\r\n'), chunk, {
      maxBytes: 1024 * 1024,
      pauseMs: 10,
    });
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.sentBeforeAnswer).toBeLessThan(64 * 1024);
    expect(result.closedByServer).toBe(true);
  });

  it('answers a body that stalls under the limit 408 after the body timeout, and closes the connection', async () => {
    const port = await listen(make(STALL_MS));
    const result = await exchange(port, head('Content-Length: 1000\r\n'), Buffer.from('{'), { maxBytes: 1 });
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.answer).toMatch(/"errorCode":"REQUEST_TIMEOUT"/);
    expect(result.closedByServer).toBe(true);
  });

  it.each(['GET /api/ipos/credentials', 'HEAD /api/ipos/credentials'])(
    'holds a body sent with %s to the same 413 and 408 as any other',
    async (request) => {
      const declared = await exchange(
        await listen(make()),
        head(`Content-Length: ${200 * 1024 * 1024}\r\n`, request),
        Buffer.alloc(64 * 1024, 120),
        { maxBytes: 200 * 1024 * 1024 },
      );
      expect(declared.answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(declared.sentBeforeAnswer).toBeLessThan(16 * 1024 * 1024);
      expect(declared.closedByServer).toBe(true);
      const chunked = await exchange(
        await listen(make()),
        head('Transfer-Encoding: chunked\r\n', request),
        Buffer.from(`400\r\n${'x'.repeat(1024)}\r\n`),
        { maxBytes: 1024 * 1024, pauseMs: 10 },
      );
      expect(chunked.answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(chunked.sentBeforeAnswer).toBeLessThan(64 * 1024);
      const trickle = await exchange(
        await listen(make(STALL_MS)),
        head('Content-Length: 1000\r\n', request),
        Buffer.from('{'),
        {
          maxBytes: 1,
        },
      );
      expect(trickle.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(trickle.closedByServer).toBe(true);
    },
  );

  it('still takes a body of exactly 16 KiB, and keeps the connection for the next request', async () => {
    const port = await listen(make());
    const body = JSON.stringify({ tpn: '139322815010', padding: '' });
    const padded = body.replace('""', `"${' '.repeat(16 * 1024 - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(16 * 1024);
    const answer = await fetch(`http://127.0.0.1:${port}/api/ipos/tokens`, {
      method: 'POST',
      headers: { 'X-Test-Account': 'bodies', 'Content-Type': 'application/json' },
      body: padded,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('connection')).not.toBe('close');
  });
});

describe('http.createServer(nodeListener(…)) and a request target no URL parser accepts', () => {
  // Node's parser passes these on; building the Fetch Request from them threw, and the client got a 500.
  it.each(['http://[x/api/ipos/credentials', 'http://127.0.0.1:99999/api/ipos/credentials'])(
    'answers GET %s 400 INVALID_REQUEST, closes, and serves the next client',
    async (target) => {
      const port = await listen(createServer(nodeListener(testServer(memoryStore()))));
      const result = await exchange(port, head('', `GET ${target}`), Buffer.alloc(0), { maxBytes: 0 });
      expect(result.answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(result.answer).toMatch(/"errorCode":"INVALID_REQUEST"/);
      expect(result.answer.toLowerCase()).toContain('connection: close');
      expect(result.closedByServer).toBe(true);
      const next = await fetch(`http://127.0.0.1:${port}/api/ipos/credentials`, {
        headers: { 'X-Test-Account': 'bodies' },
      });
      expect(next.status).toBe(200);
    },
  );
});
