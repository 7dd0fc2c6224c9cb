import { provide } from '@lit/context';
import { css, html, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { credentialsContext, type CredentialsConfig } from '../../context.js';
import { canGenerateTokens } from '../../roles.js';
import { themeStyles } from '../../styles/theme.js';
import { IposConfigurable, defineElement } from '../shared/ipos-configurable.js';

/** Parts of the nested elements, re-exported so `ipos-credentials::part(copy-token)` reaches them. */
const KEY_PANEL_PARTS = [
  'base',
  'scopes',
  'api-key',
  'secret-key',
  'copy-api-key',
  'copy-secret-key',
  'reveal-button',
  'generate-button',
  'reset-button',
  'status',
  'error',
  'retry-button',
  'dialog',
  'confirm-button',
  'cancel-button',
  'skeleton',
].join(', ');
const TOKEN_GENERATOR_PARTS = [
  'base',
  'tpn-select',
  'generate-button',
  'token',
  'copy-token',
  'copy-tpn',
  'expiry',
  'refresh-button',
  'status',
  'error',
  'retry-button',
  'skeleton',
  'empty',
].join(', ');

/**
 * The provider: shares role, backend, language, wording and theme with the ipos elements inside it.
 * With no element children it renders the role's whole screen: the key panel, plus the token
 * generator for merchants.
 *
 * @summary Self-Service API Credentials & Access screen for iPOSpays admin portals.
 * @tag ipos-credentials
 *
 * @slot - Your own arrangement of ipos elements; they read this element's settings. When empty, the role's default screen is shown.
 *
 * @csspart screen - The wrapper of the default screen.
 * @csspart role-error - Shown instead of everything when `user-role` is missing or unknown.
 * @csspart key-panel - The default screen's `<ipos-key-panel>`.
 * @csspart token-generator - The default screen's `<ipos-token-generator>` (merchants only).
 * @csspart base - Re-exported from the nested elements, like every part listed on them.
 *
 * @cssproperty --ipos-space - Gap between the default screen's sections.
 * @cssproperty --ipos-color-danger - The role error.
 */
export class IposCredentials extends IposConfigurable {
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

  static define(tag = 'ipos-credentials', registry?: CustomElementRegistry): void {
    defineElement(tag, this, registry);
  }

  @provide({ context: credentialsContext })
  @state()
  protected config: CredentialsConfig = {};

  /** Whether the host placed its own elements inside; text and comments do not count. */
  @state() private hasElementChildren = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.hasElementChildren = this.childElementCount > 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (
      changed.has('userRole') ||
      changed.has('apiBase') ||
      changed.has('backend') ||
      changed.has('locale') ||
      changed.has('strings') ||
      changed.has('theme')
    ) {
      // A new object so that subscribed consumers are notified of the change.
      this.config = {
        userRole: this.userRole,
        backend: this.activeBackend,
        locale: this.locale,
        strings: this.strings,
        theme: this.theme,
      };
    }
  }

  override render() {
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
    return html`<slot @slotchange=${this.onSlotChange}></slot> ${
        this.hasElementChildren
          ? null
          : html`<div class="screen" part="screen">
              <ipos-key-panel part="key-panel" exportparts=${KEY_PANEL_PARTS}></ipos-key-panel>
              ${
                canGenerateTokens(role)
                  ? html`<ipos-token-generator
                      part="token-generator"
                      exportparts=${TOKEN_GENERATOR_PARTS}
                    ></ipos-token-generator>`
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
      'ipos-key-panel, ipos-token-generator',
    );
    let retried = false;
    for (const element of elements) retried = (element.retry?.() ?? false) || retried;
    return retried;
  }

  private onSlotChange(event: Event): void {
    const slot = event.target as HTMLSlotElement;
    this.hasElementChildren = slot.assignedElements().length > 0;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-credentials': IposCredentials;
  }
}
