import { IposCredentials } from './credentials/ipos-credentials.js';
import { IposKeyActivity } from './key-activity/ipos-key-activity.js';
import { IposKeyPanel } from './key-panel/ipos-key-panel.js';
import { IposScopeList } from './scope-list/ipos-scope-list.js';
import { IposTokenGenerator } from './token-generator/ipos-token-generator.js';

/** Registers every element under its default tag, the provider last: its default screen then upgrades at once. */
export function defineElements(): void {
  for (const element of [IposScopeList, IposKeyPanel, IposTokenGenerator, IposKeyActivity, IposCredentials]) {
    element.define();
  }
}
