// Hydration support first: LitElement picks it up when its module runs, so before the elements are defined.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import 'ipos-credential-elements/define';
