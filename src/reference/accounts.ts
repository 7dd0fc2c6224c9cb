/** The demo accounts of the reference backend and the in-memory state of each demo session. */
import type { UserRole } from '../roles.js';
import type { Terminal } from '../contract/schemas.js';
import type { FaultSettings } from './faults.js';
import { IdempotencyStore } from './idempotency.js';

/** API key + secret key as the server stores them (times in epoch ms). */
export interface StoredKeys {
  apiKey: string;
  secretKey: string;
  createdAt: number;
  secretRotatedAt: number;
}

export interface DemoAccount {
  /** Stable id, used as the tokens' `sub`; unique per session. */
  id: string;
  role: UserRole;
  /** Display name of the business or office. */
  name: string;
  /** The merchant's terminals (TPNs); empty for ISO and agent admins. */
  terminals: readonly Terminal[];
  keys: StoredKeys | null;
}

/** What every session starts from: one admin per role, no keys yet. */
export const DEMO_ACCOUNTS: Readonly<Record<UserRole, Omit<DemoAccount, 'keys'>>> = {
  merchant: {
    id: 'merchant-sunrise-bakery',
    role: 'merchant',
    name: 'Sunrise Bakery',
    terminals: [
      { tpn: '139322815010', label: 'Front desk' },
      { tpn: '139322815011', label: 'Drive-through' },
      { tpn: '139322815012', label: 'Online orders' },
    ],
  },
  iso: { id: 'iso-northwind-payments', role: 'iso', name: 'Northwind Payments (ISO)', terminals: [] },
  agent: { id: 'agent-harbor-office', role: 'agent', name: 'Harbor Agent Office', terminals: [] },
};

/** The header that picks the session; the default session has none. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The default session's id (not a valid header value, so no client can name it by accident). */
export const DEFAULT_SESSION_ID = '';

/** Everything one demo session owns: its accounts, replays, clock offset and faults. */
export class DemoSession {
  readonly accounts: Record<UserRole, DemoAccount>;
  readonly idempotency = new IdempotencyStore();
  /** Added to the server clock for this session only. */
  clockOffsetMs = 0;
  faults: FaultSettings = {};

  constructor(readonly id: string) {
    const suffix = id === DEFAULT_SESSION_ID ? '' : `@${id}`;
    const account = (role: UserRole): DemoAccount => ({
      ...DEMO_ACCOUNTS[role],
      id: DEMO_ACCOUNTS[role].id + suffix,
      keys: null,
    });
    this.accounts = { merchant: account('merchant'), iso: account('iso'), agent: account('agent') };
  }

  /** The account whose API key is `apiKey`, if any. */
  accountByApiKey(apiKey: string): DemoAccount | undefined {
    return Object.values(this.accounts).find((account) => account.keys?.apiKey === apiKey);
  }
}

/** Sessions by id, created on first use; the least recently used is forgotten past `capacity`. */
export class SessionStore {
  private readonly sessions = new Map<string, DemoSession>();

  constructor(private readonly capacity = 1000) {}

  get(id: string): DemoSession {
    let session = this.sessions.get(id);
    if (session)
      this.sessions.delete(id); // re-inserted below: Map order is the recency order
    else session = new DemoSession(id);
    this.sessions.set(id, session);
    if (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value as string);
    return session;
  }

  /** Forgets a session: its next request starts from the demo accounts again. */
  reset(id: string): void {
    this.sessions.delete(id);
  }
}
