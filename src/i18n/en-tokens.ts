/**
 * The token generator's own English wording, loaded with its view (see `en.ts`): an ISO or agent page never
 * downloads it. Its heading and loading line are in the shared wording, since the element shows them first.
 */
export const tokenWording = {
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
} as const;
