// Hydration support first: LitElement picks it up when its module runs, so before the elements are defined.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
// Every element with all its code up front: the first update hydrates the server's DOM with no module to wait for.
import 'ipos-credential-elements/hydrate';
