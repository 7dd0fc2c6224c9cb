import { ROLE_TITLES, SCOPE_DEFINITIONS } from '../contract/roles.js';
import type { Message, PluralMessage } from './types.js';

/**
 * The English catalogue: every UI string the elements render, in one place. It is the reference for the `Catalog`
 * type and the fallback for missing keys; the role and scope names are the contract's. `{name}` placeholders are
 * filled at render time; values render as text, never as markup. A key whose wording depends on a number is a
 * `PluralMessage` chosen by its `count` param.
 */
export const en = {
  'role.invalid': 'This screen needs a user-role of merchant, iso or agent (got "{role}").',
  'role.missing': 'This screen needs a user-role of merchant, iso or agent.',
  'backend.missing': 'No backend is configured: set api-base or the backend property.',
  'role.mismatch': 'This screen is for the {expected} role, but you are signed in as {actual}.',
  'role.merchant': ROLE_TITLES.merchant,
  'role.iso': ROLE_TITLES.iso,
  'role.agent': ROLE_TITLES.agent,

  'scopes.heading': 'What these keys can access',
  'scope.PaymentTokenization': SCOPE_DEFINITIONS.PaymentTokenization,
  'scope.Recurring': SCOPE_DEFINITIONS.Recurring,
  'scope.BatchReport': SCOPE_DEFINITIONS.BatchReport,
  'scope.ExternalApi': SCOPE_DEFINITIONS.ExternalApi,

  'keys.heading': 'Generate API & Secret Key',
  'keys.intro': 'Use the API Key and Secret Key to authenticate with the iPOS Transact API.',
  'keys.loading': 'Loading your API credentials…',
  'keys.none': 'No API keys have been generated for this account yet.',
  'keys.generate': 'Generate Keys',
  'keys.generating': 'Generating…',
  'keys.generated': 'API and Secret keys generated successfully.',
  'keys.apiKey': 'API Key',
  'keys.secretKey': 'Secret Key',
  'keys.secretMasked': 'Hidden, ending in {hint}',
  'keys.copyApiKey': 'Copy API Key',
  'keys.copySecretKey': 'Copy Secret Key',
  'keys.copied': 'Copied',
  'keys.apiKeyCopied': 'API key copied.',
  'keys.secretKeyCopied': 'Secret key copied.',
  'keys.reveal': 'Show',
  'keys.hide': 'Hide',
  'keys.revealed': {
    one: 'Secret key shown. It will be hidden again in {count} second.',
    other: 'Secret key shown. It will be hidden again in {count} seconds.',
  },
  'keys.created': 'Created {date}',
  'keys.rotated': 'Secret last reset {date}',
  'keys.reset': 'Reset Secret Key',
  'keys.resetting': 'Resetting…',
  'keys.resetDone': 'Secret key reset. The previous secret no longer works.',
  'keys.resetTitle': 'Reset the secret key?',
  'keys.resetWarning':
    'The current secret key stops working immediately. Integrations that use it will fail until you update them with the new secret key.',
  'keys.resetConfirm': 'Reset Secret Key',
  'keys.lastUsed': 'Last used {relative}.',
  'keys.lastUsedFrom': 'Last used {relative} from {from}.',
  'keys.neverUsed': 'Never used.',
  'time.justNow': 'just now',
  'keys.confirmPhrase': 'Type {phrase} to confirm.',
  'keys.resetCancelled': 'Reset cancelled. The secret key was not changed.',
  'keys.resetCancel': 'Cancel',
  'keys.forbidden': 'Your account cannot manage these keys.',
  'keys.graceLegend': 'When should the current secret key stop working?',
  'keys.graceImmediately': 'Immediately',
  'keys.graceIn': 'In {duration}',
  'keys.resetWarningGrace':
    'The current secret key keeps working for {duration}, then stops. Update your integrations with the new secret key before then.',
  'keys.resetDoneGrace': 'Secret key reset. The previous secret key keeps working until {time}.',
  'keys.previousValidUntil': 'The previous secret key stops working {relative} ({time}).',
  'keys.revokePrevious': 'Revoke previous secret now',
  'keys.revokingPrevious': 'Revoking…',
  'keys.revokeTitle': 'Revoke the previous secret key?',
  'keys.revokeWarning':
    'The previous secret key stops working immediately. Integrations still using it will fail until you update them with the current secret key.',
  'keys.revokeConfirm': 'Revoke previous secret',
  'keys.revokeDone': 'Previous secret key revoked. Only the current secret key works.',

  'action.retry': 'Retry',
  'failed.load-credentials': 'Couldn’t load your API credentials.',
  'failed.generate-keys': 'Couldn’t generate the keys.',
  'failed.copy-api-key': 'Couldn’t copy the API key.',
  'failed.copy-secret-key': 'Couldn’t copy the secret key.',
  'failed.reveal-secret': 'Couldn’t show the secret key.',
  'failed.reset-secret': 'Couldn’t reset the secret key.',
  'failed.load-terminals': 'Couldn’t load your terminals.',
  'failed.load-activity': 'Couldn’t load the activity.',
  'failed.revoke-previous-secret': 'Couldn’t revoke the previous secret key.',

  'reason.network': 'The server could not be reached. Check your connection and try again.',
  'reason.timeout': 'The server took too long to answer. Try again.',
  'reason.unauthenticated': 'Your session has expired. Sign in again, then retry.',
  'reason.forbidden': 'Your account is not allowed to do this.',
  'reason.not-found': 'The server found nothing to act on. Reload the page and try again.',
  'reason.conflict': 'This changed in the meantime; the latest state is shown.',
  'reason.rate-limited': 'Too many requests. Wait a moment, then try again.',
  'reason.server': 'The server had a problem. Try again in a moment.',
  'reason.invalid-response': 'The server sent an answer this page cannot read.',
  'reason.invalid-request': 'The server refused the request.',
  'reason.aborted': 'The request was cancelled.',
  'reason.clipboard-unavailable':
    'Copying is not available on this page (it needs a secure https page and a browser with clipboard access).',
  'reason.clipboard-denied': 'The browser blocked access to the clipboard. Allow it for this site and try again.',
  'reason.clipboard-failed': 'The browser could not copy. Try again.',
  'tokens.heading': 'Token Generation',
  'tokens.loadingTerminals': 'Loading your terminals…',

  'activity.heading': 'Recent activity',
  'activity.loading': 'Loading the activity…',

  'failed.generate-token': 'Couldn’t generate the token.',
  'failed.refresh-token': 'Couldn’t refresh the token.',
  'failed.copy-token': 'Couldn’t copy the token.',
  'failed.copy-tpn': 'Couldn’t copy the TPN.',
  'tokens.intro': 'Generate an Auth Token for a terminal (TPN) to process transactions.',
  'tokens.merchantOnly': 'Token generation is for merchant accounts.',
  'tokens.noTerminals': 'There are no terminals (TPNs) on this account.',
  'tokens.tpnLabel': 'Terminal (TPN)',
  'tokens.tpnOption': '{label} — {tpn}',
  'tokens.generate': 'Generate Token',
  'tokens.generating': 'Generating…',
  'tokens.generated': 'Auth Token generated for TPN {tpn}.',
  'tokens.tokenLabel': 'Auth Token',
  'tokens.none': 'No token generated yet for this terminal.',
  'tokens.copyToken': 'Copy Token',
  'tokens.copyTpn': 'Copy TPN',
  'tokens.copied': 'Copied',
  'tokens.tokenCopied': 'Token copied.',
  'tokens.tpnCopied': 'TPN {tpn} copied.',
  'tokens.refresh': 'Refresh Token',
  'tokens.refreshing': 'Refreshing…',
  'tokens.refreshed': 'Token refreshed.',
  'tokens.validUntil': 'Valid until {time}.',
  'tokens.expiresIn': 'Expires {relative}.',
  'tokens.expiringSoon': 'Expiring soon: expires {relative}.',
  'tokens.inGrace': 'Expired — grace period ends {relative}.',
  'tokens.expired': 'Expired. Generate a new token.',
  'tokens.graceOver': 'This token can no longer be refreshed. Generate a new token.',
  'tokens.lifetimeInvalid':
    'The token lifetime must be a whole number of minutes from 1 to 1440 (expires-in-minutes is "{value}").',

  'activity.empty':
    'No activity yet. Generating the keys, showing, copying or resetting the secret key, and each Auth Token issued will be listed here.',
  'activity.emptyWithoutTokens':
    'No activity yet. Generating the keys, and showing, copying or resetting the secret key will be listed here.',
  'activity.more': 'Show more',
  'activity.loadingMore': 'Loading…',
  'activity.by': 'by {name}',
  'activity.from': 'from {from}',
  'activity.tpn': 'TPN {tpn}',
  'activity.type.keys-generated': 'API and Secret keys generated',
  'activity.type.secret-revealed': 'Secret key retrieved to show or copy it',
  'activity.type.secret-reset': 'Secret key reset',
  'activity.type.previous-secret-revoked': 'Previous secret key revoked',
  'activity.type.token-generated': 'Auth Token generated',
  'activity.type.token-refreshed': 'Auth Token refreshed',
  'activity.type.authenticated': 'Signed in with the keys',
  'activity.type.authentication-failed': 'Sign-in with the keys refused',
} as const;

/** Every key the elements use. */
export type CatalogKey = keyof typeof en;
/** The keys whose wording depends on a count: a `PluralMessage` in every catalogue. */
export type PluralKey = { [key in CatalogKey]: (typeof en)[key] extends string ? never : key }[CatalogKey];
/** A complete catalogue: one string per key, one plural message per plural key. */
export type Catalog = { [key in CatalogKey]: key extends PluralKey ? PluralMessage : string };
/** White-label wording: any subset of the catalogue, overriding the locale key by key (a plural key also takes a plain string). */
export type CatalogOverrides = { [key in CatalogKey]?: key extends PluralKey ? Message : string };
