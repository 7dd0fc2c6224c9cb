/** The activity trail view's English: it arrives with the view, after the keys. */
export const enActivity = {
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
  'activity.type.role-changed': 'Account role changed; the keys now give the new role’s access',
} as const;
