import { ContextProvider } from '@lit/context';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { credentialsContext, type CredentialsConfig } from '../context.js';
import type { ErrorDetail } from '../events.js';
import type { ActivityPage, Credentials, Terminal } from '../../contract/bodies.js';
import { preloadFromScript, type Preload } from '../../headless/preload.js';
import { canGenerateTokens } from '../../contract/roles.js';
import { themeStyles } from '../../styles/theme.js';
import { KEY_ACTIVITY_PARTS } from '../key-activity/ipos-key-activity.js';
import { KEY_PANEL_PARTS } from '../key-panel/ipos-key-panel.js';
import { IposElement } from '../internal/ipos-element.js';
import { TOKEN_GENERATOR_PARTS } from '../token-generator/ipos-token-generator.js';

/** `exportparts` for a nested element: each of its parts under its own prefix, so no outer name reaches two elements. */
function prefixedParts(prefix: string, parts: readonly string[]): string {
  return parts.map((part) => `${part}:${prefix}__${part}`).join(', ');
}

const KEY_PANEL_EXPORTS = prefixedParts('key-panel', KEY_PANEL_PARTS);
const TOKEN_GENERATOR_EXPORTS = prefixedParts('token-generator', TOKEN_GENERATOR_PARTS);
const KEY_ACTIVITY_EXPORTS = prefixedParts('key-activity', KEY_ACTIVITY_PARTS);

/**
 * The provider: shares role, backend, language, wording and theme with the ipos elements inside it.
 * With no element children it renders the role's whole screen: the key panel, the token generator for
 * merchants, and last the activity trail when the backend can list activity. When the backend answers for
 * another role than `user-role`, the key panel says so (`ipos-error` with code `role-mismatch`) and stays alone.
 *
 * @summary Self-Service API Credentials & Access screen for iPOSpays admin portals.
 * @tag ipos-credentials
 *
 * @slot - Your own arrangement of ipos elements; they read this element's settings. When empty, the role's default screen is shown.
 *
 * @csspart screen - The wrapper of the default screen.
 * @csspart role-error - Shown instead of everything when `user-role` is missing or unknown.
 * @csspart key-panel - The default screen's `<ipos-key-panel>`.
 * @csspart key-activity - The default screen's `<ipos-key-activity>` (only when the backend has `listActivity`).
 * @csspart token-generator - The default screen's `<ipos-token-generator>` (merchants only).
 * @csspart key-panel__* - Every part of the default screen's key panel, prefixed `key-panel__` (`key-panel__generate-button`, `key-panel__copy-secret-key`, …).
 * @csspart key-activity__* - Every part of the default screen's activity trail, prefixed `key-activity__` (`key-activity__more-button`, …).
 * @csspart token-generator__* - Every part of the default screen's token generator, prefixed `token-generator__` (`token-generator__copy-token`, …).
 */
export class IposCredentials extends IposElement {
  static override styles = [
    themeStyles,
    css`
      .screen {
        display: grid;
        gap: calc(var(--ipos-space, 8px) * 3);
        background: transparent;
      }
    `,
  ];

  static override defaultTag = 'ipos-credentials';
  protected static override readsProvider = false;

  /** What the elements inside read: a new object at each change, so that every subscribed element hears of it. */
  @state() protected config: CredentialsConfig = {};
  private readonly provider = new ContextProvider(this, { context: credentialsContext, initialValue: this.config });

  /**
   * Credentials the page was rendered with, for every key panel inside: the first render shows them with no
   * GET. A child `<script type="application/json" data-ipos-initial>{ "credentials": …, "terminals": … }</script>`
   * does the same for hosts that render HTML without JavaScript. Never include the secret.
   */
  @property({ attribute: false }) initialCredentials?: Credentials;

  /**
   * The default screen's `reset-grace-options` (see `<ipos-key-panel>`): comma-separated minutes the reset dialog
   * offers as the old secret's grace window, e.g. `0,60,1440`. Elements you place inside take their own.
   */
  @property({ attribute: 'reset-grace-options' }) resetGraceOptions?: string;

  /** Terminals the page was rendered with, for every token generator inside. */
  @property({ attribute: false }) initialTerminals?: Terminal[];

  /** The activity trail's first page the page was rendered with (the script's `activity`), for the trail inside. */
  @property({ attribute: false }) initialActivity?: ActivityPage;

  /** The default screen's and every inside panel's `revalidate`: preloaded data is loaded again after the first paint. */
  @property({ type: Boolean }) revalidate = false;

  /** The backend answered for another role than `user-role`: the screen keeps only its key panel, which says so. */
  @state() private roleMismatched = false;

  /** Whether the host placed its own elements inside; text, comments and the preload script do not count. */
  @state() private hasElementChildren = false;

  /** The preload script's data, read once on connection. */
  private scriptPreload: Preload = {};

  override connectedCallback(): void {
    super.connectedCallback();
    this.scriptPreload = preloadFromScript(this);
    this.hasElementChildren = placedElements([...this.children]);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (
      changed.has('userRole') ||
      changed.has('apiBase') ||
      changed.has('backend') ||
      changed.has('locale') ||
      changed.has('strings') ||
      changed.has('theme') ||
      changed.has('initialCredentials') ||
      changed.has('initialTerminals') ||
      changed.has('initialActivity') ||
      changed.has('revalidate')
    ) {
      this.config = {
        userRole: this.userRole,
        backend: this.activeBackend,
        locale: this.locale,
        strings: this.strings,
        theme: this.theme,
        initialCredentials: this.initialCredentials ?? this.scriptPreload.credentials,
        initialTerminals: this.initialTerminals ?? this.scriptPreload.terminals,
        initialActivity: this.initialActivity ?? this.scriptPreload.activity,
        revalidate: this.revalidate,
      };
      this.provider.setValue(this.config);
    }
    // Another account: its role is learnt afresh.
    if (changed.has('userRole') || changed.has('apiBase') || changed.has('backend')) this.roleMismatched = false;
  }

  override render(): TemplateResult {
    const role = this.activeRole;
    if (!role) {
      return html`<p
        class="${this.baseClasses} error"
        part="role-error"
        role="alert"
        lang=${this.activeLocale}
        dir=${this.direction}
      >
        ${this.roleProblem()}
      </p>`;
    }
    // Hydrating, the trail is there exactly when the server rendered it (its backend may list activity, the page's
    // not: Lit cannot hydrate a template where the server rendered none); the render after hydration follows the page.
    const showsActivity = this.shows('ipos-key-activity', !!this.activeBackend?.listActivity);
    // The default screen's elements also get the settings bound: context travels by DOM events, which a server render has not.
    return html`<slot @slotchange=${this.onSlotChange}></slot> ${
        this.hasElementChildren
          ? null
          : html`<div class="screen" part="screen" @ipos-error=${this.onScreenError}>
              <ipos-key-panel
                part="key-panel"
                exportparts=${KEY_PANEL_EXPORTS}
                reset-grace-options=${this.resetGraceOptions ?? nothing}
                .inherited=${this.config}
              ></ipos-key-panel>
              ${
                canGenerateTokens(role) && !this.roleMismatched
                  ? html`<ipos-token-generator
                      part="token-generator"
                      exportparts=${TOKEN_GENERATOR_EXPORTS}
                      .inherited=${this.config}
                    ></ipos-token-generator>`
                  : null
              }
              ${
                // Last: the trail grows with every action above it, and must never push a control the user aims at.
                showsActivity && !this.roleMismatched
                  ? html`<ipos-key-activity
                      part="key-activity"
                      exportparts=${KEY_ACTIVITY_EXPORTS}
                      .inherited=${this.config}
                    ></ipos-key-activity>`
                  : null
              }
            </div>`
      }`;
  }

  /**
   * Runs the last failed action of each element of the default screen again (what their Retry
   * buttons do), so that a host can re-authenticate after an `ipos-error` with code
   * `unauthenticated` and continue. Elements the host placed inside have their own `retry()`.
   * A retried copy runs outside a user gesture, so the browser may refuse the clipboard write.
   * @returns whether any element had a retryable failure to run again.
   */
  retry(): boolean {
    const elements = this.renderRoot.querySelectorAll<Element & { retry?: () => boolean }>(
      'ipos-key-panel, ipos-key-activity, ipos-token-generator',
    );
    let retried = false;
    for (const element of elements) retried = (element.retry?.() ?? false) || retried;
    return retried;
  }

  /**
   * A panel found the backend answering for another role: no card that role cannot use stays (their requests end
   * with them), and the host hears of it once, whichever panel found it first.
   */
  private onScreenError(event: CustomEvent<ErrorDetail>): void {
    if (event.detail.code !== 'role-mismatch') return;
    if (this.roleMismatched) event.stopPropagation();
    this.roleMismatched = true;
  }

  private onSlotChange(event: Event): void {
    const slot = event.target as HTMLSlotElement;
    this.hasElementChildren = placedElements(slot.assignedElements());
  }
}

/** Whether the host placed elements of its own (the preload script is data, not an element to show). */
function placedElements(children: Element[]): boolean {
  return children.some((child) => child.localName !== 'script');
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-credentials': IposCredentials;
  }
}
