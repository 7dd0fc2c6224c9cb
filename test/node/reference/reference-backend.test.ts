import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend, createReferenceServer } from '../../../src/reference/index.js';
import { backendError } from '../../support/backend-error.js';
import { settlesBefore } from '../../support/race.js';

describe('ReferenceBackend (in-process)', () => {
  it('implements the whole contract against its own server, with real tokens', async () => {
    const backend = new ReferenceBackend();
    expect((await backend.getCredentials()).keys).toBeNull();
    const generated = await backend.generateKeys();
    const { secretKey } = await backend.revealSecret();
    expect(secretKey.slice(-4)).toBe(generated.keys?.secretKeyHint);
    expect((await backend.resetSecret()).keys?.secretKeyHint).not.toBe(generated.keys?.secretKeyHint);
    const [terminal] = await backend.listTerminals();
    const token = await backend.generateToken({ tpn: terminal!.tpn });
    const { payload } = await jwtVerify(token.token, await backend.server.publicKey());
    expect(payload['tpn']).toBe(terminal!.tpn);
    expect((await backend.refreshToken({ token: token.token })).tpn).toBe(terminal!.tpn);
  });

  it('maps errors exactly like HttpBackend, and follows a change of account', async () => {
    const backend = new ReferenceBackend({ account: 'merchant' });
    await backend.generateKeys();
    expect(await backendError(backend.generateKeys())).toMatchObject({
      code: 'conflict',
      status: 409,
      errorCode: 'KEYS_EXIST',
    });
    backend.account = 'iso';
    expect((await backend.getCredentials()).role).toBe('iso');
    expect(await backendError(backend.listTerminals())).toMatchObject({
      code: 'forbidden',
      errorCode: 'ROLE_FORBIDDEN',
    });
  });

  it("shares a server's state, or isolates it by session", async () => {
    const server = createReferenceServer();
    await new ReferenceBackend({ server, session: 'story-a' }).generateKeys();
    expect((await new ReferenceBackend({ server, session: 'story-a' }).getCredentials()).keys).not.toBeNull();
    expect((await new ReferenceBackend({ server, session: 'story-b' }).getCredentials()).keys).toBeNull();
    expect((await new ReferenceBackend({ server }).getCredentials()).keys).toBeNull();
  });

  it('obeys injected latency, faults and aborts', async () => {
    const backend = new ReferenceBackend({ retries: 0 });
    backend.server.faults = { forcedStatus: { 'GET /credentials': { status: 200, body: { role: 'merchant' } } } };
    expect((await backendError(backend.getCredentials())).code).toBe('invalid-response');
    backend.server.faults = { latencyMs: 300 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const call = backendError(backend.listTerminals({ signal: controller.signal }));
    expect(await settlesBefore(call, 300), 'waited for the answer after the abort').toBe(true);
    expect((await call).code).toBe('aborted');
  });
});
