/**
 * Registers every element under its default tag. Import this once (`ipos-credential-elements/define`);
 * to pick other tags or a scoped registry, call each class's `define(tag, registry)` instead.
 */
import { IposCredentials } from './elements/credentials/ipos-credentials.js';
import { IposKeyActivity } from './elements/key-activity/ipos-key-activity.js';
import { IposKeyPanel } from './elements/key-panel/ipos-key-panel.js';
import { IposScopeList } from './elements/scope-list/ipos-scope-list.js';
import { IposTokenGenerator } from './elements/token-generator/ipos-token-generator.js';

// Type-only re-exports keep the element and event modules in dist/define.d.ts, and with them their
// `HTMLElementTagNameMap` and `GlobalEventHandlersEventMap` entries: importing this entry alone types
// `document.querySelector('ipos-credentials')` and `event.detail`.
export type { IposCredentials, IposKeyActivity, IposKeyPanel, IposScopeList, IposTokenGenerator };
export type { IposEventDetails, IposEventName } from './elements/events.js';
export type { UserRole } from './contract/roles.js';

IposScopeList.define();
IposKeyPanel.define();
IposTokenGenerator.define();
IposKeyActivity.define();
IposCredentials.define();
