import type { NumberRange } from './number-option.js';

// The ranges of the lazily loaded panels' numeric attributes, apart from their views so that the element
// classes (loaded up front) and the views (loaded later) share them without sharing a module with each other.

/** `expires-in-minutes`: iPOSpays' tokens live at most a day. */
export const MAX_LIFETIME_MINUTES = 1440;

/** `refresh-before`: seconds, default 300 (iPOSpays' tokens live at most a day). */
export const REFRESH_BEFORE: NumberRange = { name: 'refresh-before', min: 0, max: 86_400, fallback: 300 };

/** `page-size`: events per page, 1–100, default 20 (the contract's default). */
export const PAGE_SIZE: NumberRange = { name: 'page-size', min: 1, max: 100, integer: true, fallback: 20 };
