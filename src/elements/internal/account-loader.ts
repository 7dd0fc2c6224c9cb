import { Task, TaskStatus, initialState } from '@lit/task';
import { html, isServer, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { BackendError } from '../../backend/backend-error.js';
import type { CredentialsBackend } from '../../backend/credentials-backend.js';
import type { ErrorAction } from '../events.js';
import type { UserRole } from '../../contract/roles.js';
import { isAbort } from './failure.js';
import type { PanelFeedback } from './panel-feedback.js';

/** The placeholder shown while loading: a label for assistive technology and bars the size of the data. */
export function renderSkeleton(label: string, bars: number): TemplateResult {
  return html`<div class="skeleton" part="skeleton">
    <span class="visually-hidden">${label}</span>
    ${Array.from({ length: bars }, () => html`<span class="skeleton-bar" aria-hidden="true"></span>`)}
  </div>`;
}

/** The account a panel acts for: the backend it calls and the role it shows. */
export interface Account {
  backend: CredentialsBackend;
  role: UserRole;
}

export interface AccountLoaderOptions<T> {
  /** The backend and role right now; `undefined` when either is missing or invalid (nothing is loaded). */
  account: () => Account | undefined;
  /** Called first whenever the account changes: drop everything the previous account showed. */
  switchAccount: (account: Account | undefined) => void;
  /** Loads what the panel shows for the account. */
  load: (account: Account, signal: AbortSignal) => Promise<T>;
  /** What the host preloaded for the account, if anything: used instead of the first load, once. */
  preloaded?: (account: Account) => T | undefined;
  /** Whether a preload is shown and then loaded again in the background (stale-while-revalidate). */
  revalidate?: () => boolean;
  /** The action a failed load is reported as. */
  action: Extract<ErrorAction, 'load-credentials' | 'load-terminals' | 'load-activity'>;
  /** The message for a 403, when the panel can say it better than the generic one. */
  forbiddenMessage?: () => string;
}

type AccountArgs = readonly [CredentialsBackend | undefined, UserRole | undefined];

/**
 * Loads a panel's data for the account it shows: again whenever the backend or role changes (the old
 * request aborted, the old account's data dropped first), aborted on disconnect and resumed on reconnect,
 * failures shown with a Retry. One controller for both panels.
 */
export class AccountLoader<T> implements ReactiveController {
  private readonly task: Task<AccountArgs, T>;
  /** The account of the last update, to notice a change of backend or role. */
  private shownArgs?: AccountArgs;
  /** The load was cut short by a disconnect: run it again when connected again. */
  private interrupted = false;
  /** The preload, once taken: it stands for the first load, with no load run, until the next one. */
  private preloadedValue?: T;
  private preloadTaken = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly feedback: PanelFeedback,
    private readonly options: AccountLoaderOptions<T>,
  ) {
    host.addController(this);
    // Run by `switchTo`, not by the Task itself: a preloaded account runs no load, so a preloaded first paint is
    // the panel's only update (a Task run, even of a value at hand, settles a microtask later and updates again).
    this.task = new Task(host, {
      autoRun: false,
      // The server renders the preload or the skeleton; every request is the browser's.
      task: ([backend, role], { signal }) =>
        backend && role && !isServer ? options.load({ backend, role }, signal) : initialState,
      // A load's answer supersedes the preload it revalidated.
      onComplete: () => (this.preloadedValue = undefined),
      onError: (error) => this.fail(error),
    });
  }

  /** Whether a load is on its way (a preload is data already there, not a load). */
  get pending(): boolean {
    return this.task.status === TaskStatus.PENDING;
  }

  /** The last load's result, or the preload standing for it (for the current account: a switch runs a new load first). */
  get value(): T | undefined {
    if (this.preloadedValue !== undefined) return this.preloadedValue;
    return this.task.status === TaskStatus.COMPLETE ? this.task.value : undefined;
  }

  /** Whether the last load failed (its failure is in the panel's feedback). */
  get failed(): boolean {
    return this.task.status === TaskStatus.ERROR && this.feedback.failure?.action === this.options.action;
  }

  reload(): void {
    this.switchTo((this.shownArgs = this.currentArgs()));
  }

  /** Runs the failed load again for the same account: a preload it was revalidating stays on screen meanwhile. */
  private retry(): void {
    this.feedback.clearFailure();
    void this.task.run(this.shownArgs);
  }

  /** The panel dropped its data (it was disconnected): load again when it is connected again. */
  reloadWhenConnected(): void {
    this.interrupted = true;
  }

  hostConnected(): void {
    if (this.interrupted) {
      this.interrupted = false;
      this.reload();
      return;
    }
    // Updated while detached (a view that arrived then saw no account): the next update loads what it now shows.
    const shown = this.shownArgs;
    if (!shown) return;
    const [backend, role] = this.currentArgs();
    if (shown[0] !== backend || shown[1] !== role) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    if (!this.pending) return;
    this.interrupted = true;
    this.task.abort();
  }

  /** Before each render: a new account is loaded, or shown from the preload within this update. */
  hostUpdate(): void {
    const args = this.currentArgs();
    const shown = this.shownArgs;
    if (shown && shown[0] === args[0] && shown[1] === args[1]) return;
    this.switchTo((this.shownArgs = args));
  }

  private currentArgs(): AccountArgs {
    // Nothing is loaded for a detached panel: reconnecting loads what it then shows. A server render has no DOM.
    const account = isServer || this.host.isConnected ? this.options.account() : undefined;
    return [account?.backend, account?.role];
  }

  /** Drops the previous account's data and failure, then shows the account's preload (the first time) or loads it. */
  private switchTo(args: AccountArgs): void {
    const [backend, role] = args;
    const account = backend && role ? { backend, role } : undefined;
    this.preloadedValue = undefined;
    this.options.switchAccount(account);
    this.feedback.clearFailure();
    if (account && !this.preloadTaken) {
      this.preloadTaken = true;
      this.preloadedValue = this.options.preloaded?.(account);
      // A preload is painted with no load, unless asked to revalidate it: then the fresh answer replaces it.
      const revalidate = !isServer && this.options.revalidate?.() === true;
      if (this.preloadedValue !== undefined && !revalidate) return;
    }
    void this.task.run(args);
  }

  private fail(error: unknown): void {
    if (isAbort(error)) return;
    const forbidden = error instanceof BackendError && error.code === 'forbidden';
    this.feedback.fail(this.options.action, error, () => this.retry(), {
      message: forbidden ? this.options.forbiddenMessage?.() : undefined,
    });
  }
}
