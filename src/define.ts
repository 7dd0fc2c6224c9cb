/**
 * Registers every element under its default tag. Import this once (`ipos-credential-elements/define`);
 * to pick other tags or a scoped registry, call each class's `define(tag, registry)` instead.
 */
import { IposCredentials } from './elements/credentials/ipos-credentials.js';
import { IposKeyPanel } from './elements/key-panel/ipos-key-panel.js';
import { IposScopeList } from './elements/scope-list/ipos-scope-list.js';
import { IposTokenGenerator } from './elements/token-generator/ipos-token-generator.js';

IposScopeList.define();
IposKeyPanel.define();
IposTokenGenerator.define();
IposCredentials.define();
