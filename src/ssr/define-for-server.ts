import { IposCredentials } from '../elements/credentials/ipos-credentials.js';
import { IposKeyActivity } from '../elements/key-activity/ipos-key-activity.js';
import { IposKeyPanel } from '../elements/key-panel/ipos-key-panel.js';
import { IposScopeList } from '../elements/scope-list/ipos-scope-list.js';
import { IposTokenGenerator } from '../elements/token-generator/ipos-token-generator.js';

/** Registers the elements in the server's registry (Lit SSR's DOM shim), under the tags the browser uses. */
export function defineForServer(): void {
  for (const element of [IposScopeList, IposKeyPanel, IposTokenGenerator, IposKeyActivity, IposCredentials]) {
    element.define();
  }
}
