/**
 * The activity trail as its lazily loaded view sees it: the element's own settings, and the slot the view module
 * fills when it runs. The element implements `KeyActivityElement`; the view never imports the element.
 */
import type { ReactiveControllerHost } from 'lit';
import type { ActivityPage } from '../../contract/bodies.js';
import { ViewSlot, type PanelView } from '../internal/lazy-view.js';

/** What the view reads of `<ipos-key-activity>` besides what every panel lends (`PanelPort`). */
export interface KeyActivityElement extends ReactiveControllerHost, HTMLElement {
  readonly pageSize: number;
}

/** The view of the trail: it also loads the newest page again on demand. */
export interface ActivityView extends PanelView {
  refresh(): void;
}

/** Filled by `key-activity-view.ts`. */
export const keyActivityViews = new ViewSlot<KeyActivityElement, ActivityPage, ActivityView>();
