/**
 * `KeysSession`: the headless core of the key panel — one account's API key and secret, the way
 * `TokenSession` is one TPN's token. It owns the credentials state (the only place it is written),
 * keeps the `Idempotency-Key` of a generate or reset across retries so that neither happens twice,
 * and ends everything in flight on `dispose()`: an account switch gets a new session, so no answer
 * for the old account can reach the screen. Host code can use it without any element.
 *
 * @example
 * const session = KeysSession.for(backend);
 * const stop = session.subscribe((state) => render(state.credentials));
 * await session.load();
 * const { keys } = await session.resetSecret();
 */
import { BackendError } from '../backend/backend-error.js';
import type { CredentialsBackend } from '../backend/credentials-backend.js';
import { newIdempotencyKey } from '../backend/idempotency-key.js';
import type { Credentials } from '../contract/bodies.js';

/** A change of the keys in flight; at most one at a time, so double clicks never repeat it. */
export type KeysMutation = 'generate' | 'reset' | 'revoke-previous';

/** What a `KeysSession` knows, as its subscribers see it. */
export interface KeysState {
  /** The account's credentials; `undefined` until the first load succeeds. */
  readonly credentials?: Credentials;
  /** A load is in flight. */
  readonly loading: boolean;
  /** The generate, reset or revoke in flight. */
  readonly mutation?: KeysMutation;
}

export type KeysListener = (state: KeysState) => void;

interface SharedSession {
  session: KeysSession;
  users: number;
}

/** Sessions by backend, then account: every element on one account shares one state. */
const sessions = new WeakMap<CredentialsBackend, Map<string, SharedSession>>();

export class KeysSession {
  private current: KeysState = { loading: false };
  private readonly listeners = new Set<KeysListener>();
  /** Aborted by `dispose()`: every request of this session ends with it. */
  private readonly lifetime = new AbortController();
  private loading?: Promise<Credentials>;
  /** The mutation in flight: a second call of the same one meanwhile joins it instead of repeating it. */
  private mutating?: Promise<Credentials>;
  /** Which mutation `mutating` is: another one asked for meanwhile waits for it, never takes its answer. */
  private mutatingKind?: KeysMutation;
  /** The key of the generate the user asked for, reused until it succeeds. */
  private generateKey?: string;
  /** The key and grace window of the reset the user confirmed, reused by a retry of that reset. */
  private confirmedReset?: { key: string; graceMinutes?: number };

  constructor(
    readonly backend: CredentialsBackend,
    /** Names the account on this backend (the elements use the role): another account, another session. */
    readonly account = '',
  ) {}

  /**
   * The session shared by everyone using `backend` for `account`, so that two panels on one account show
   * the same keys: a reset in one is seen by the other. A backend that acts for another account after a
   * role switch gets a new session, so nothing of the previous account is joined. Pair with `release()`.
   */
  static for(backend: CredentialsBackend, account = ''): KeysSession {
    let accounts = sessions.get(backend);
    if (!accounts) sessions.set(backend, (accounts = new Map()));
    let entry = accounts.get(account);
    if (!entry || entry.session.disposed)
      accounts.set(account, (entry = { session: new KeysSession(backend, account), users: 0 }));
    entry.users++;
    return entry.session;
  }

  /** Gives back a session taken with `for()`; the last user's release disposes of it. */
  release(): void {
    const accounts = sessions.get(this.backend);
    const entry = accounts?.get(this.account);
    if (entry?.session === this && --entry.users > 0) return;
    if (entry?.session === this) accounts!.delete(this.account);
    this.dispose();
  }

  get state(): KeysState {
    return this.current;
  }

  get disposed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /**
   * Shows credentials the host preloaded (rendered into the page), so no first GET is needed; ignored once
   * the session has credentials of its own, which are newer.
   */
  adopt(credentials: Credentials): void {
    if (!this.current.credentials) this.update({ credentials });
  }

  /** Calls `listener` with every new state (not the current one); returns the unsubscribe function. */
  subscribe(listener: KeysListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Loads the credentials. Callers at the same time share one request; a caller's `signal` ends only its own
   * wait (the request goes on for the others, and ends with the session).
   */
  load(signal?: AbortSignal): Promise<Credentials> {
    const loading = (this.loading ??= this.startLoad());
    if (!signal) return loading;
    return new Promise<Credentials>((resolve, reject) => {
      const leave = () => reject(abortError('The load was no longer needed.'));
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      loading.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  private startLoad(): Promise<Credentials> {
    this.update({ loading: true });
    const loading = this.backend
      .getCredentials({ signal: this.lifetime.signal })
      .then((credentials) => {
        this.throwIfEnded();
        this.update({ credentials });
        return credentials;
      })
      .finally(() => {
        this.loading = undefined;
        this.update({ loading: false });
      });
    loading.catch(() => undefined);
    return loading;
  }

  /** Generates the keys. A retry after a failure reuses the same `Idempotency-Key`, so keys are made once. */
  generateKeys(): Promise<Credentials> {
    const busy = this.joinOrWait('generate', () => this.generateKeys());
    if (busy) return busy;
    this.generateKey ??= newIdempotencyKey();
    return this.mutate('generate', async (signal) => {
      try {
        const credentials = await this.backend.generateKeys({ idempotencyKey: this.generateKey, signal });
        this.generateKey = undefined;
        return credentials;
      } catch (error) {
        // Keys were generated elsewhere meanwhile: a new attempt needs no key, the keys exist.
        if (isConflict(error)) this.generateKey = undefined;
        throw error;
      }
    });
  }

  /**
   * Replaces the secret. The old one stops working at once, or after `graceMinutes` (0–1440) when the backend
   * keeps a grace window (`keys.previousSecretValidUntil`). `retry: true` repeats the last confirmed reset with
   * its `Idempotency-Key` and its grace window (a lost answer then resets once, not twice); otherwise this is a
   * new reset.
   */
  resetSecret(options: { graceMinutes?: number; retry?: boolean } = {}): Promise<Credentials> {
    const busy = this.joinOrWait('reset', () => this.resetSecret(options));
    if (busy) return busy;
    if (!options.retry || !this.confirmedReset) {
      this.confirmedReset = { key: newIdempotencyKey(), graceMinutes: options.graceMinutes };
    }
    const confirmed = this.confirmedReset;
    return this.mutate('reset', async (signal) => {
      const credentials = await this.backend.resetSecret({
        idempotencyKey: confirmed.key,
        signal,
        ...(confirmed.graceMinutes === undefined ? {} : { graceMinutes: confirmed.graceMinutes }),
      });
      if (this.confirmedReset === confirmed) this.confirmedReset = undefined;
      return credentials;
    });
  }

  /** The backend can end a grace window early (`revokePreviousSecret`); without it there is nothing to offer. */
  get canRevokePreviousSecret(): boolean {
    return typeof this.backend.revokePreviousSecret === 'function';
  }

  /**
   * Ends the previous secret's grace window now. Harmless to repeat (the backend answers the credentials when
   * there is no window); a second call while one runs joins it. Rejects with `not-found` on a backend without it.
   */
  revokePreviousSecret(): Promise<Credentials> {
    const busy = this.joinOrWait('revoke-previous', () => this.revokePreviousSecret());
    if (busy) return busy;
    const revoke = this.backend.revokePreviousSecret?.bind(this.backend);
    if (!revoke) return Promise.reject(new BackendError('not-found', 'This backend cannot revoke a previous secret.'));
    const idempotencyKey = newIdempotencyKey();
    return this.mutate('revoke-previous', (signal) => revoke({ idempotencyKey, signal }));
  }

  /**
   * Fetches the secret key for one copy or reveal; nothing keeps it. Ends with `aborted` when `signal`
   * aborts or the session is disposed, so a secret asked for before an account switch never arrives after it.
   */
  async fetchSecret(signal?: AbortSignal): Promise<string> {
    const signals = signal ? [signal, this.lifetime.signal] : [this.lifetime.signal];
    const combined = AbortSignal.any(signals);
    const { secretKey } = await this.backend.revealSecret({ signal: combined });
    if (combined.aborted) throw abortError('The secret is no longer wanted.');
    return secretKey;
  }

  /** Ends every request in flight and stops notifying; answers that arrive later are dropped. */
  dispose(): void {
    if (this.disposed) return;
    this.lifetime.abort(abortError('The session was disposed.'));
    this.listeners.clear();
  }

  /**
   * With a mutation in flight: the same one is joined (a double click changes the keys once); another one
   * waits for it to settle and then runs, so a revoke asked for during a reset is never answered with the
   * reset's credentials (whose window is still open), nor a reset with a revoke's.
   */
  private joinOrWait(mutation: KeysMutation, start: () => Promise<Credentials>): Promise<Credentials> | undefined {
    if (!this.mutating) return undefined;
    if (this.mutatingKind === mutation) return this.mutating;
    return this.mutating.then(start, start);
  }

  /** Runs one mutation; callers call `joinOrWait` first, so a second call meanwhile joins the first. */
  private mutate(mutation: KeysMutation, work: (signal: AbortSignal) => Promise<Credentials>): Promise<Credentials> {
    this.mutatingKind = mutation;
    const mutating = (this.mutating = this.run(mutation, work).finally(() => {
      if (this.mutating === mutating) this.mutating = this.mutatingKind = undefined;
    }));
    return mutating;
  }

  private async run(mutation: KeysMutation, work: (signal: AbortSignal) => Promise<Credentials>) {
    this.update({ mutation });
    try {
      const credentials = await work(this.lifetime.signal);
      this.throwIfEnded();
      this.update({ credentials });
      return credentials;
    } catch (error) {
      this.throwIfEnded();
      // The keys changed elsewhere meanwhile: show the latest, as the caller's message will say.
      if (isConflict(error)) void this.reloadQuietly();
      throw error;
    } finally {
      if (!this.disposed) this.update({ mutation: undefined });
    }
  }

  /** Reloads after a conflict; its failure changes nothing (the conflict itself is what is reported). */
  private async reloadQuietly(): Promise<void> {
    try {
      await this.load();
    } catch {
      // The credentials on screen stay; the caller reports the conflict.
    }
  }

  private throwIfEnded(): void {
    if (this.disposed) throw abortError('The session was disposed.');
  }

  private update(change: Partial<KeysState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...change };
    for (const listener of [...this.listeners]) listener(this.current);
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof BackendError && error.code === 'conflict';
}

function abortError(message: string): BackendError {
  return new BackendError('aborted', message);
}
