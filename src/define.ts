/**
 * Registers every element under its default tag. Import this once (`ipos-credential-elements/define`);
 * to pick other tags or a scoped registry, call each class's `define(tag, registry)` instead.
 */
import { defineElements } from './elements/define-elements.js';

// Type-only re-exports keep the element and event modules in dist/define.d.ts, and with them their
// `HTMLElementTagNameMap` and `GlobalEventHandlersEventMap` entries: importing this entry alone types
// `document.querySelector('ipos-credentials')` and `event.detail`.
export type { IposCredentials } from './elements/credentials/ipos-credentials.js';
export type { IposKeyActivity } from './elements/key-activity/ipos-key-activity.js';
export type { IposKeyPanel } from './elements/key-panel/ipos-key-panel.js';
export type { IposScopeList } from './elements/scope-list/ipos-scope-list.js';
export type { IposTokenGenerator } from './elements/token-generator/ipos-token-generator.js';
export type { IposEventDetails, IposEventName } from './elements/events.js';
export type { UserRole } from './contract/roles.js';

defineElements();
