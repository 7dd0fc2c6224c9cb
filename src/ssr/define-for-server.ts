import { defineElements } from '../elements/define-elements.js';
// The lazy panels' views and the key panel's dialogs, here at once: a server render has no second pass to wait for a
// module in.
import '../elements/key-activity/key-activity-view.js';
import '../elements/key-panel/dialogs.js';
import '../elements/token-generator/token-generator-view.js';

/**
 * Registers the elements in the server's registry (Lit SSR's DOM shim), under the tags the browser uses, with their
 * views. A function of this module, not a re-export: a bundler keeps the module, and with it the views' imports.
 */
export function defineForServer(): void {
  defineElements();
}
