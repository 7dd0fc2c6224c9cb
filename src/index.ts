/**
 * ipos-credential-elements: the classes, types and data of the library, with no side effects.
 * Import `ipos-credential-elements/define` to register the elements under their default tags.
 */
export { IposCredentials } from './elements/credentials/ipos-credentials.js';
export { IposKeyActivity, KEY_ACTIVITY_PARTS } from './elements/key-activity/ipos-key-activity.js';
export { IposKeyPanel } from './elements/key-panel/ipos-key-panel.js';
export { IposScopeList } from './elements/scope-list/ipos-scope-list.js';
export { IposTokenGenerator } from './elements/token-generator/ipos-token-generator.js';

export { credentialsContext, type CredentialsConfig, type Theme } from './elements/context.js';
export {
  ROLE_SCOPES,
  ROLE_TITLES,
  SCOPE_DEFINITIONS,
  SCOPES,
  USER_ROLES,
  canGenerateTokens,
  isUserRole,
  type Scope,
  type UserRole,
} from './contract/roles.js';

export { BackendError, isBackendError, type BackendErrorCode } from './backend/backend-error.js';
export type {
  CredentialsBackend,
  GenerateTokenInput,
  RefreshTokenInput,
  RequestOptions,
  ResetSecretOptions,
} from './backend/credentials-backend.js';
export { HttpBackend, type HttpBackendOptions } from './backend/http-backend.js';
export type {
  ActivityEvent,
  ActivityPage,
  AuthToken,
  Credentials,
  Keys,
  RevealedSecret,
  Terminal,
} from './contract/bodies.js';
export type { ActivityType } from './contract/vocabulary.js';

export { KeysSession, type KeysListener, type KeysMutation, type KeysState } from './headless/keys-session.js';
export {
  TokenSession,
  tokenChannelName,
  type TokenSessionEvent,
  type TokenSessionOptions,
} from './headless/token-session.js';
export { tokenPhase, type TokenPhase } from './headless/token-timing.js';
export type { ExpiryState } from './elements/token-generator/ipos-token-generator.js';

export { en, type Catalog, type CatalogKey, type CatalogOverrides, type PluralKey } from './i18n/en.js';
export type { Message, PluralMessage } from './i18n/types.js';
export { registerLocale } from './i18n/catalogs.js';

export {
  IPOS_EVENT_NAMES,
  type CopyDetail,
  type CopyField,
  type ErrorAction,
  type ErrorDetail,
  type IposEventDetails,
  type IposEventName,
  type KeysGeneratedDetail,
  type PreviousSecretRevokedDetail,
  type SecretResetDetail,
  type TokenDetail,
  type TokenExpiredDetail,
} from './elements/events.js';
