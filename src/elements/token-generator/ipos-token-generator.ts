import { html } from 'lit';
import { canGenerateTokens } from '../../roles.js';
import { themeStyles } from '../../styles/theme.js';
import { panelStyles } from '../../styles/panel.js';
import { defineElement } from '../shared/ipos-configurable.js';
import { IposElement } from '../shared/ipos-element.js';

/**
 * The merchant's Auth Token for a terminal (TPN): generate, copy, and refresh before it expires.
 *
 * @summary The "Token Generation" section of the iPOSpays merchant settings screen.
 * @tag ipos-token-generator
 *
 * @csspart base - The card; carries the theme.
 * @csspart error - Shown when the role is missing, unknown, or not a merchant.
 *
 * @cssproperty --ipos-color-border - The card's border.
 * @cssproperty --ipos-color-muted - The introduction.
 */
export class IposTokenGenerator extends IposElement {
  static override styles = [themeStyles, panelStyles];

  static define(tag = 'ipos-token-generator', registry?: CustomElementRegistry): void {
    defineElement(tag, this, registry);
  }

  override render() {
    const role = this.activeRole;
    const problem = role && !canGenerateTokens(role) ? this.t('tokens.merchantOnly') : this.roleProblem();
    return html`<section class=${this.baseClasses} part="base" aria-labelledby="heading">
      <h2 class="heading" id="heading">${this.t('tokens.heading')}</h2>
      ${
        problem
          ? html`<p class="error" part="error" role="alert">${problem}</p>`
          : html`<p class="intro">${this.t('tokens.intro')}</p>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-token-generator': IposTokenGenerator;
  }
}
