/**
 * A backend whose answers the test releases one by one, in any order: every call waits in a shared
 * queue until `settle(index, ok)` answers it (the work happens then, as on a server), or until its signal
 * aborts. Each account has its own secrets, so a test can tell whose secret reached the screen.
 */
import { BackendError } from '../../src/backend/backend-error.js';
import type { CredentialsBackend, RequestOptions, ResetSecretOptions } from '../../src/backend/credentials-backend.js';
import type { Credentials, RevealedSecret } from '../../src/contract/schemas.js';
import { ROLE_SCOPES, type UserRole } from '../../src/contract/roles.js';

export interface PendingCall {
  account: ControlledAccount;
  method: string;
  settle(ok: boolean): void;
}

const urlSafe = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) =>
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charAt(byte % 64),
  ).join('');

export class ControlledAccount implements CredentialsBackend {
  readonly apiKey = `dakey_${urlSafe(32)}`;
  /** Every secret this account ever had, oldest first; the last one is current (and the one before still works for an hour). */
  readonly secrets = [`dskey_${urlSafe(32)}`, `dskey_${urlSafe(32)}`];
  /** Resets that really replaced the secret (a replayed Idempotency-Key does not). */
  rotations = 0;
  /** Revokes of the previous secret asked of this account (answered or not). */
  revokeRequests = 0;
  /** Until when the previous secret works: each account starts in a grace window, so a revoke is a click away. */
  private previousSecretValidUntil: string | null = new Date(Date.now() + 60 * 60_000).toISOString();
  private readonly resetAnswers = new Map<string, Credentials>();
  private readonly createdAt = new Date().toISOString();
  private rotatedAt = this.createdAt;

  constructor(
    readonly role: UserRole,
    private readonly queue: PendingCall[],
  ) {}

  get secret(): string {
    return this.secrets.at(-1)!;
  }

  getCredentials(options?: RequestOptions): Promise<Credentials> {
    return this.wait('getCredentials', options, () => this.credentials());
  }

  generateKeys(options?: RequestOptions): Promise<Credentials> {
    return this.wait('generateKeys', options, () => {
      throw new BackendError('conflict', 'keys exist', { status: 409, errorCode: 'KEYS_EXIST' });
    });
  }

  revealSecret(options?: RequestOptions): Promise<RevealedSecret> {
    return this.wait('revealSecret', options, () => ({ secretKey: this.secret }));
  }

  resetSecret(options?: ResetSecretOptions): Promise<Credentials> {
    return this.wait('resetSecret', options, () => {
      const key = options?.idempotencyKey;
      const replay = key === undefined ? undefined : this.resetAnswers.get(key);
      if (replay) return replay;
      this.secrets.push(`dskey_${urlSafe(32)}`);
      this.rotations++;
      this.rotatedAt = new Date().toISOString();
      const grace = options?.graceMinutes ?? 0;
      this.previousSecretValidUntil = grace > 0 ? new Date(Date.now() + grace * 60_000).toISOString() : null;
      const answer = this.credentials();
      if (key !== undefined) this.resetAnswers.set(key, answer);
      return answer;
    });
  }

  revokePreviousSecret(options?: RequestOptions): Promise<Credentials> {
    this.revokeRequests++;
    return this.wait('revokePreviousSecret', options, () => {
      this.previousSecretValidUntil = null;
      return this.credentials();
    });
  }

  listTerminals(options?: RequestOptions) {
    return this.wait('listTerminals', options, () => []);
  }

  generateToken(): Promise<never> {
    return Promise.reject(new BackendError('forbidden', 'not in this model'));
  }

  refreshToken(): Promise<never> {
    return Promise.reject(new BackendError('forbidden', 'not in this model'));
  }

  private credentials(): Credentials {
    return {
      role: this.role,
      scopes: [...ROLE_SCOPES[this.role]],
      keys: {
        apiKey: this.apiKey,
        secretKeyHint: this.secret.slice(-4),
        createdAt: this.createdAt,
        secretRotatedAt: this.rotatedAt,
        previousSecretValidUntil: this.previousSecretValidUntil,
      },
    };
  }

  private wait<T>(method: string, options: RequestOptions | undefined, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const signal = options?.signal;
      const aborted = () => new BackendError('aborted', `${method} was aborted`);
      if (signal?.aborted) return reject(aborted());
      const call: PendingCall = {
        account: this,
        method,
        settle: (ok) => {
          signal?.removeEventListener('abort', onAbort);
          if (!ok) return reject(new BackendError('server', `${method} failed`, { status: 503 }));
          try {
            resolve(work());
          } catch (error) {
            reject(error);
          }
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(call);
        if (index >= 0) this.queue.splice(index, 1);
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(call);
    });
  }
}
