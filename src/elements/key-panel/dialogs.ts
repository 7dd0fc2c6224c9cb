/**
 * The key panel's confirmations, one module loaded once the keys are on screen (no page waits for them before its
 * keys): the reset's and the revoke's. `./hydrate` and a server render have it up front.
 */
import { keyPanelDialogs } from './key-panel-port.js';
import { ResetDialog } from './reset-dialog.js';
import { RevokeDialog } from './revoke-dialog.js';

keyPanelDialogs.make = (port, reset) => ({ reset: new ResetDialog(port, reset), revoke: new RevokeDialog(port) });
