/**
 * Vue 3 support (`ipos-credential-elements/vue`): importing it registers the elements and types their tags
 * for Vue's template type checking (Volar, `vue-tsc`): properties as typed props (`user-role` is the role
 * union) and every `@ipos-…` event with its typed payload.
 *
 * @example main.ts
 * import 'ipos-credential-elements/vue';
 * // vite.config.ts: vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('ipos-') } } })
 */
import type { LitElement } from 'lit';
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import './define.js';
import type { IposCredentials } from './elements/credentials/ipos-credentials.js';
import type { IposKeyActivity } from './elements/key-activity/ipos-key-activity.js';
import type { IposKeyPanel } from './elements/key-panel/ipos-key-panel.js';
import type { IposScopeList } from './elements/scope-list/ipos-scope-list.js';
import type { IposTokenGenerator } from './elements/token-generator/ipos-token-generator.js';
import type { IposEventDetails } from './elements/events.js';

type IposEvents = { [Name in keyof IposEventDetails]: CustomEvent<IposEventDetails[Name]> };

/** The element's own public properties (not `LitElement`'s, not methods), each optional: what a template sets. */
type Settable<Element> = {
  [
    Name in Exclude<keyof Element, keyof LitElement> as Element[Name] extends (...args: never[]) => unknown
      ? never
      : Name
  ]?: Element[Name];
};

/** Vue's recipe for a non-Vue custom element: `$props` for template props, `$emit` for its events. */
export type VueCustomElement<Element extends HTMLElement> = new () => Element & {
  /** @deprecated For template type checking only; not a property of the element. */
  $props: HTMLAttributes & Settable<Element> & PublicProps;
  /** @deprecated For template type checking only; not a property of the element. */
  $emit: EmitFn<{ [Name in keyof IposEvents]: (event: IposEvents[Name]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    'ipos-credentials': VueCustomElement<IposCredentials>;
    'ipos-key-panel': VueCustomElement<IposKeyPanel>;
    'ipos-token-generator': VueCustomElement<IposTokenGenerator>;
    'ipos-scope-list': VueCustomElement<IposScopeList>;
    'ipos-key-activity': VueCustomElement<IposKeyActivity>;
  }
}
