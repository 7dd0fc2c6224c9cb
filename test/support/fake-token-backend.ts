/** The in-memory token backend the TokenSession unit tests share: tokens from the (fake) clock, calls recorded. */
import type { BackendError } from '../../src/backend/backend-error.js';
import type {
  CredentialsBackend,
  GenerateTokenInput,
  RefreshTokenInput,
  RequestOptions,
} from '../../src/backend/credentials-backend.js';
import type { AuthToken } from '../../src/contract/schemas.js';

export const MINUTE = 60_000;
export const TPN = '139322815010';
const GRACE = 15 * MINUTE;
const unused = () => Promise.reject(new Error('TokenSession does not call this'));
let serial = 0;

/** A token for `tpn` issued at `at` (epoch ms) that lives `lifetimeMs`, then 15 minutes of grace. */
export function issueToken(tpn: string, at: number, lifetimeMs = 10 * MINUTE): AuthToken {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    token: `header.payload${++serial}.signature`,
    tpn,
    issuedAt: iso(at),
    expiresAt: iso(at + lifetimeMs),
    graceEndsAt: iso(at + lifetimeMs + GRACE),
  };
}

/** Issues tokens from its clock (`clockOffsetMs` from the page's); refreshes fail while `refreshFailure` is set. */
export class FakeTokenBackend implements CredentialsBackend {
  lifetimeMs = 10 * MINUTE;
  /** How far the backend's clock is from the page's. */
  clockOffsetMs = 0;
  refreshFailure?: BackendError;
  /** When each generate came, and what it asked for. */
  readonly generated: number[] = [];
  readonly generateInputs: GenerateTokenInput[] = [];
  readonly refreshes: { at: number; token: string; idempotencyKey?: string }[] = [];

  constructor(readonly accountKey?: string) {}

  getCredentials = unused;
  generateKeys = unused;
  revealSecret = unused;
  resetSecret = unused;
  listTerminals = unused;

  async generateToken(input: GenerateTokenInput): Promise<AuthToken> {
    this.generated.push(Date.now());
    this.generateInputs.push(input);
    return issueToken(input.tpn, Date.now() + this.clockOffsetMs, this.lifetimeMs);
  }

  async refreshToken({ token }: RefreshTokenInput, options?: RequestOptions): Promise<AuthToken> {
    this.refreshes.push({ at: Date.now(), token, idempotencyKey: options?.idempotencyKey });
    if (this.refreshFailure) throw this.refreshFailure;
    return issueToken(TPN, Date.now() + this.clockOffsetMs, this.lifetimeMs);
  }
}
