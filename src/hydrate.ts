/**
 * Registers every element like `./define`, with the token generator's and the activity trail's code loaded
 * up front: a page that hydrates server-rendered HTML (`ipos-credential-elements/ssr`) must render the data
 * in its first update, with no module to wait for. Import `@lit-labs/ssr-client/lit-element-hydrate-support.js`
 * before this entry.
 */
import './define.js';
import './elements/key-activity/key-activity-view.js';
import './elements/token-generator/token-generator-view.js';

export type * from './define.js';
