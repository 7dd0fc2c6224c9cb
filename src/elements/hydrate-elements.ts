/**
 * Every element with all its code up front: the lazy panels' views, then every element registered, so that each
 * element's first update renders the data a server rendered. Loaded by `./hydrate` after Lit's hydrate support.
 */
import { defineElements } from './define-elements.js';
import { replayEarlyEvents } from './internal/early-events.js';
import { IposElement } from './internal/ipos-element.js';
import './key-activity/key-activity-view.js';
import './key-panel/dialogs.js';
import './token-generator/token-generator-view.js';

// Each element carries out the clicks made on it before it hydrated (the server render's inlined script kept them).
IposElement.afterHydration = replayEarlyEvents;
defineElements();
