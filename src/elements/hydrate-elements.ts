/**
 * Every element with all its code up front: `./define` and the lazy panels' views, so that each element's first
 * update renders the data a server rendered. Loaded by `./hydrate` after Lit's hydrate support.
 */
import '../define.js';
import './key-activity/key-activity-view.js';
import './token-generator/token-generator-view.js';
