/** `ReferenceBackend`: the reference server as an in-process `CredentialsBackend` (Storybook, offline demos). */
import type {
  CredentialsBackend,
  GenerateTokenInput,
  ListActivityInput,
  RefreshTokenInput,
  RequestOptions,
  ResetSecretOptions,
} from '../backend/credentials-backend.js';
import { HttpBackend, type HttpBackendOptions } from '../backend/http-backend.js';
import type { ActivityPage, AuthToken, Credentials, RevealedSecret, Terminal } from '../contract/schemas.js';
import type { UserRole } from '../contract/roles.js';
import {
  DEMO_ACCOUNT_HEADER,
  DEMO_SESSION_HEADER,
  createReferenceServer,
  type ReferenceServer,
} from './reference-server.js';

export interface ReferenceBackendOptions extends Pick<HttpBackendOptions, 'timeoutMs' | 'retries' | 'retryDelayMs'> {
  /** The demo account the calls act for (default `merchant`); can be changed later through `account`. */
  account?: UserRole;
  /** An isolated demo session (see `X-Ipos-Demo-Session`); default the server's default session. */
  session?: string;
  /** The server to call; default a new one with fresh state. Share one to share state. */
  server?: ReferenceServer;
}

/** The origin of the in-process requests: never resolved, `Request` just needs an absolute URL. */
const IN_PROCESS_ORIGIN = 'http://reference.invalid';

/**
 * The reference backend in the browser: every call becomes a `Request` handled in-process by
 * `server.handle()`, and the answer is mapped by an `HttpBackend` — so errors, validation, retries
 * and aborts behave exactly as over HTTP. Tune latency and faults through `backend.server.faults`.
 *
 * @example
 * const backend = new ReferenceBackend({ account: 'merchant' });
 * backend.server.faults = { latencyMs: 400 };
 * document.querySelector('ipos-credentials').backend = backend;
 */
export class ReferenceBackend implements CredentialsBackend {
  readonly server: ReferenceServer;
  /** The demo account the next calls act for. */
  account: UserRole;
  readonly session: string | undefined;
  private readonly http: HttpBackend;

  constructor(options: ReferenceBackendOptions = {}) {
    this.server = options.server ?? createReferenceServer();
    this.account = options.account ?? 'merchant';
    this.session = options.session;
    const server = this.server;
    this.http = new HttpBackend({
      baseUrl: IN_PROCESS_ORIGIN + server.basePath,
      fetch: (input, init) => server.handle(new Request(input, init)),
      headers: () => ({
        [DEMO_ACCOUNT_HEADER]: this.account,
        ...(this.session === undefined ? {} : { [DEMO_SESSION_HEADER]: this.session }),
      }),
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    });
  }

  getCredentials(options?: RequestOptions): Promise<Credentials> {
    return this.http.getCredentials(options);
  }

  generateKeys(options?: RequestOptions): Promise<Credentials> {
    return this.http.generateKeys(options);
  }

  revealSecret(options?: RequestOptions): Promise<RevealedSecret> {
    return this.http.revealSecret(options);
  }

  resetSecret(options?: ResetSecretOptions): Promise<Credentials> {
    return this.http.resetSecret(options);
  }

  revokePreviousSecret(options?: RequestOptions): Promise<Credentials> {
    return this.http.revokePreviousSecret(options);
  }

  listTerminals(options?: RequestOptions): Promise<Terminal[]> {
    return this.http.listTerminals(options);
  }

  generateToken(input: GenerateTokenInput, options?: RequestOptions): Promise<AuthToken> {
    return this.http.generateToken(input, options);
  }

  refreshToken(input: RefreshTokenInput, options?: RequestOptions): Promise<AuthToken> {
    return this.http.refreshToken(input, options);
  }

  listActivity(input: ListActivityInput, options?: RequestOptions): Promise<ActivityPage> {
    return this.http.listActivity(input, options);
  }
}
