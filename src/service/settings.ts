/**
 * The service's configuration: one table of settings, each read from a flag (`--port 8080`, `--port=8080`)
 * or else an environment variable (`IPOS_PORT`). `serve --help` and docs/service.md list this table; a test
 * holds the doc to it. Values are only strings here; `config.ts` turns them into a checked configuration.
 */

export interface Setting {
  /** The environment variable. */
  readonly env: string;
  /** The command-line flag, without its dashes. */
  readonly flag: string;
  /** Shown when the setting is absent; absent: none. */
  readonly fallback?: string;
  /** One line for `--help` and the docs. */
  readonly summary: string;
  /** Holds a secret: never echoed back in an error message. */
  readonly secret?: true;
  /** The server kit's option this setting becomes: an error the kit throws naming it is reported as this setting. */
  readonly serverOption?: string;
}

const SETTING_TABLE = {
  database: {
    env: 'IPOS_DATABASE',
    flag: 'database',
    summary:
      '**required.** `postgres://user:password@host:5432/db` (PostgreSQL), a folder (PGlite, one instance only), or `memory` (trying out: lost at exit)',
  },
  databasePoolSize: {
    env: 'IPOS_DATABASE_POOL_SIZE',
    flag: 'database-pool-size',
    fallback: '10',
    summary: 'PostgreSQL connections per instance',
  },
  dataKeys: {
    env: 'IPOS_DATA_KEYS',
    flag: 'data-keys',
    serverOption: 'dataKeys',
    secret: true,
    summary:
      '**required** unless `memory`. `id:key,id:key`: 32-byte keys in base64 that seal secrets at rest; the first seals new rows, the others stay readable (rotation)',
  },
  signingKey: {
    env: 'IPOS_SIGNING_KEY',
    flag: 'signing-key',
    serverOption: 'signingKey',
    secret: true,
    summary:
      '**required** unless `memory` (or give the file below). The RS256 private key that signs Auth Tokens: PKCS#8 PEM (newlines may be written `\\n`) or a private JWK',
  },
  signingKeyFile: {
    env: 'IPOS_SIGNING_KEY_FILE',
    flag: 'signing-key-file',
    serverOption: 'signingKey',
    summary: 'a file holding the signing key instead (e.g. a systemd credential or a mounted secret)',
  },
  signingKeyId: {
    env: 'IPOS_SIGNING_KEY_ID',
    flag: 'signing-key-id',
    serverOption: 'signingKey.kid',
    summary: "the `kid` of the tokens and the JWKS; default the key's RFC 7638 thumbprint",
  },
  allowedOrigins: {
    env: 'IPOS_ALLOWED_ORIGINS',
    flag: 'allowed-origins',
    serverOption: 'allowedOrigins',
    summary:
      'comma-separated origins (`https://portal.example.com`) allowed to call cross-origin; same-origin needs none',
  },
  trustedProxies: {
    env: 'IPOS_TRUSTED_PROXIES',
    flag: 'trusted-proxies',
    serverOption: 'trustedProxies',
    summary:
      'the reverse proxies in front of the service: comma-separated addresses or CIDRs, or a hop count; the client address is read from `X-Forwarded-For` right to left past them',
  },
  basePath: {
    env: 'IPOS_BASE_PATH',
    flag: 'base-path',
    serverOption: 'basePath',
    fallback: '/api/ipos',
    summary: 'where the contract is served',
  },
  rateLimits: {
    env: 'IPOS_RATE_LIMITS',
    flag: 'rate-limits',
    serverOption: 'rateLimits',
    summary:
      'per-action limits over the defaults (reveal 30, reset 10, token 60 a minute per account; authenticate 120 a minute per client address), as `action:count/seconds,…`, e.g. `authenticate:600/60`; `off` for none',
  },
  host: { env: 'IPOS_HOST', flag: 'host', fallback: '127.0.0.1', summary: 'the address to listen on' },
  port: { env: 'IPOS_PORT', flag: 'port', fallback: '8080', summary: 'the port to listen on (0: any free port)' },
  metricsPort: {
    env: 'IPOS_METRICS_PORT',
    flag: 'metrics-port',
    summary: '`/metrics` on a port of its own (on `IPOS_HOST`) instead of the main one',
  },
  shutdownSeconds: {
    env: 'IPOS_SHUTDOWN_SECONDS',
    flag: 'shutdown-seconds',
    fallback: '10',
    summary: 'on SIGTERM, how long requests in flight may take to finish',
  },
  logLevel: {
    env: 'IPOS_LOG_LEVEL',
    flag: 'log-level',
    fallback: 'info',
    summary: '`fatal`, `error`, `warn`, `info`, `debug` or `silent`',
  },
  identity: {
    env: 'IPOS_IDENTITY',
    flag: 'identity',
    summary: '**required.** `jwt` (a token the portal issues) or `signed-headers` (headers the portal signs)',
  },
  jwtJwksUrl: {
    env: 'IPOS_JWT_JWKS_URL',
    flag: 'jwt-jwks-url',
    summary: "`jwt`: the portal's JSON Web Key Set URL (or the file below)",
  },
  jwtJwksFile: { env: 'IPOS_JWT_JWKS_FILE', flag: 'jwt-jwks-file', summary: '`jwt`: a JSON Web Key Set file' },
  jwtIssuer: {
    env: 'IPOS_JWT_ISSUER',
    flag: 'jwt-issuer',
    summary: '`jwt`: **required.** the `iss` tokens must carry',
  },
  jwtAudience: {
    env: 'IPOS_JWT_AUDIENCE',
    flag: 'jwt-audience',
    summary: '`jwt`: **required.** the `aud` tokens must carry (this service)',
  },
  jwtClockToleranceSeconds: {
    env: 'IPOS_JWT_CLOCK_TOLERANCE_SECONDS',
    flag: 'jwt-clock-tolerance-seconds',
    fallback: '30',
    summary: '`jwt`: clock skew allowed on `exp`, `nbf` and `iat`',
  },
  jwtCookie: {
    env: 'IPOS_JWT_COOKIE',
    flag: 'jwt-cookie',
    summary: '`jwt`: also read the token from this cookie (`Authorization: Bearer` is always read)',
  },
  jwtAlgorithms: {
    env: 'IPOS_JWT_ALGORITHMS',
    flag: 'jwt-algorithms',
    fallback: 'RS256,PS256,ES256,EdDSA',
    summary: '`jwt`: the signature algorithms accepted',
  },
  claimAccountId: {
    env: 'IPOS_CLAIM_ACCOUNT_ID',
    flag: 'claim-account-id',
    fallback: 'sub',
    summary: '`jwt`: the claim with the account id',
  },
  claimRole: {
    env: 'IPOS_CLAIM_ROLE',
    flag: 'claim-role',
    fallback: 'role',
    summary: '`jwt`: the claim with the role: `merchant`, `iso` or `agent`',
  },
  claimName: {
    env: 'IPOS_CLAIM_NAME',
    flag: 'claim-name',
    fallback: 'name',
    summary: "`jwt`: the claim with the admin's display name (optional in tokens)",
  },
  claimTerminals: {
    env: 'IPOS_CLAIM_TERMINALS',
    flag: 'claim-terminals',
    fallback: 'terminals',
    summary:
      '`jwt`: the claim with a merchant\'s terminals: `[{ "tpn", "label" }]` or `["139322815010", …]` (unless `IPOS_TERMINALS_URL`)',
  },
  signedHeadersSecret: {
    env: 'IPOS_SIGNED_HEADERS_SECRET',
    flag: 'signed-headers-secret',
    secret: true,
    summary: '`signed-headers`: **required.** the HMAC-SHA256 secret shared with the portal, at least 32 characters',
  },
  signedHeadersMaxAgeSeconds: {
    env: 'IPOS_SIGNED_HEADERS_MAX_AGE_SECONDS',
    flag: 'signed-headers-max-age-seconds',
    fallback: '60',
    summary: "`signed-headers`: how old (or how far ahead) a signature's timestamp may be",
  },
  terminalsUrl: {
    env: 'IPOS_TERMINALS_URL',
    flag: 'terminals-url',
    summary:
      'a portal URL answering a merchant\'s terminals as `{ "terminals": [{ "tpn", "label" }] }`; `{accountId}` in it is replaced',
  },
  terminalsAuthorization: {
    env: 'IPOS_TERMINALS_AUTHORIZATION',
    flag: 'terminals-authorization',
    secret: true,
    summary: 'the `Authorization` header value sent to `IPOS_TERMINALS_URL` (e.g. `Bearer …`)',
  },
  terminalsTimeoutMs: {
    env: 'IPOS_TERMINALS_TIMEOUT_MS',
    flag: 'terminals-timeout-ms',
    fallback: '2000',
    summary: 'how long to wait for `IPOS_TERMINALS_URL`',
  },
  terminalsCacheSeconds: {
    env: 'IPOS_TERMINALS_CACHE_SECONDS',
    flag: 'terminals-cache-seconds',
    fallback: '30',
    summary: "how long an account's terminals are kept (0: asked every time)",
  },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTING_TABLE;
export const SETTINGS: Readonly<Record<SettingName, Setting>> = SETTING_TABLE;

/** The raw text of each setting that was given, flags over environment. */
export type SettingValues = Partial<Record<SettingName, string>>;

/** A setting that is missing or wrong: the message names the variable (and the flag) and what a right value is. */
export class ServiceConfigError extends Error {
  override readonly name = 'ServiceConfigError';
  constructor(
    readonly setting: Setting,
    problem: string,
  ) {
    super(`${setting.env} (--${setting.flag}): ${problem}`);
  }
}

/**
 * An error the server kit threw naming one of its options (`trustedProxies[1]: …`), as a `ServiceConfigError` of
 * the setting that became that option (of those that do, the one given); `undefined` for any other error.
 */
export function serverOptionError(error: unknown, values: SettingValues): ServiceConfigError | undefined {
  const option =
    error instanceof Error ? /^([A-Za-z]+(?:\.[A-Za-z]+|\[[^\]]*\])*): /.exec(error.message)?.[1] : undefined;
  if (option === undefined) return undefined;
  const names = (Object.keys(SETTINGS) as SettingName[]).filter((name) => {
    const own = SETTINGS[name].serverOption;
    return own !== undefined && (option === own || option.startsWith(`${own}.`) || option.startsWith(`${own}[`));
  });
  // The most specific option first (`signingKey.kid` before `signingKey`), then the setting that was given.
  const depth = (name: SettingName) => (SETTINGS[name].serverOption as string).length;
  names.sort((a, b) => depth(b) - depth(a) || Number(values[b] !== undefined) - Number(values[a] !== undefined));
  return names[0] && new ServiceConfigError(SETTINGS[names[0]], (error as Error).message);
}

/** A mistake on the command line itself (an unknown flag, a flag with no value). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const BY_FLAG = new Map<string, SettingName>(
  Object.entries(SETTINGS).map(([name, setting]) => [setting.flag, name as SettingName]),
);

/** Reads `--flag value` / `--flag=value` arguments and the environment into one set of raw values. */
export function readSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SettingValues {
  const values: SettingValues = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const value = env[setting.env];
    if (value !== undefined && value !== '') values[name] = value;
  }
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    const match = /^--([a-z0-9-]+)(?:=([\s\S]*))?$/.exec(argument);
    const name = match ? BY_FLAG.get(match[1] as string) : undefined;
    if (!match || !name) throw new UsageError(`Unknown argument "${argument}". Run with --help for the settings.`);
    const value = match[2] ?? argv[++index];
    if (value === undefined) throw new UsageError(`--${match[1]} needs a value.`);
    values[name] = value;
  }
  return values;
}

/** `serve --help`: every setting, its variable and its default. */
export function settingsHelp(): string {
  const lines = [
    'usage: ipos-credential-elements serve [--flag value]…',
    '',
    'Each flag may be given as an environment variable instead (the flag wins).',
    '',
  ];
  for (const setting of Object.values(SETTINGS) as Setting[]) {
    const fallback = setting.fallback ? ` (default ${setting.fallback})` : '';
    lines.push(`  --${setting.flag}  ${setting.env}${fallback}`, `      ${setting.summary.replace(/\*\*|`/g, '')}`);
  }
  return lines.join('\n');
}
