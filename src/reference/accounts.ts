/** The demo accounts of the reference backend and what each demo session owns besides its rows in the store. */
import type { UserRole } from '../contract/roles.js';
import type { Terminal } from '../contract/schemas.js';
import type { FaultSettings } from './faults.js';

export interface DemoAccount {
  /** Stable id, used as the tokens' `sub` and the store's account id; unique per session. */
  id: string;
  role: UserRole;
  /** Display name of the business or office. */
  name: string;
  /** The merchant's terminals (TPNs); empty for ISO and agent admins. */
  terminals: readonly Terminal[];
}

/** What every session starts from: one admin per role, no keys yet. */
export const DEMO_ACCOUNTS: Readonly<Record<UserRole, DemoAccount>> = {
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

/** One demo session: its accounts (their keys live in the server's store), clock offset and faults. */
export class DemoSession {
  readonly accounts: Record<UserRole, DemoAccount>;
  /** Added to the server clock for this session only. */
  clockOffsetMs = 0;
  faults: FaultSettings = {};

  constructor(readonly id: string) {
    const suffix = id === DEFAULT_SESSION_ID ? '' : `@${id}`;
    const account = (role: UserRole): DemoAccount => ({ ...DEMO_ACCOUNTS[role], id: DEMO_ACCOUNTS[role].id + suffix });
    this.accounts = { merchant: account('merchant'), iso: account('iso'), agent: account('agent') };
  }

  /** Whether `accountId` is one of this session's accounts. */
  owns(accountId: string): boolean {
    return Object.values(this.accounts).some((account) => account.id === accountId);
  }
}

/** Sessions by id, created on first use; the least recently used is forgotten past `capacity`. */
export class SessionStore {
  private readonly sessions = new Map<string, DemoSession>();

  /** `forget` is told of every session dropped for capacity, to delete its rows. */
  constructor(
    private readonly capacity = 1000,
    private readonly forget: (session: DemoSession) => void = () => {},
  ) {}

  get(id: string): DemoSession {
    let session = this.sessions.get(id);
    if (session)
      this.sessions.delete(id); // re-inserted below: Map order is the recency order
    else session = new DemoSession(id);
    this.sessions.set(id, session);
    if (this.sessions.size > this.capacity) {
      const oldest = this.sessions.values().next().value as DemoSession;
      this.sessions.delete(oldest.id);
      this.forget(oldest);
    }
    return session;
  }

  /** Forgets a session: its next request starts from the demo accounts again (the caller deletes its rows). */
  reset(id: string): void {
    this.sessions.delete(id);
  }
}
