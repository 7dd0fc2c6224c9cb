/**
 * The OpenAPI 3.1 document of the HTTP contract, generated from the zod schemas (the single source).
 * Not exported from the main entry (it would weigh on every bundle); `scripts/openapi.mjs` writes it
 * to `openapi.json`.
 */
import * as z from 'zod/mini';
import { sessionSettingsSchema } from '../reference/reference-server.js';
import {
  authenticateTokenResponseSchema,
  authTokenSchema,
  credentialsSchema,
  errorBodySchema,
  generateTokenRequestSchema,
  keysSchema,
  refreshTokenRequestSchema,
  revealedSecretSchema,
  terminalListSchema,
  terminalSchema,
} from './schemas.js';

type JsonObject = Record<string, unknown>;

const SCHEMAS: Record<string, [z.ZodMiniType, string]> = {
  Credentials: [
    credentialsSchema,
    "The signed-in admin's role, the scopes iPOSpays assigns to it, and the keys (never the secret).",
  ],
  Keys: [keysSchema, 'API key, the last 4 characters of the secret key, and when they were made.'],
  RevealedSecret: [revealedSecretSchema, 'The secret key; sent only by the reveal route.'],
  Terminal: [terminalSchema, 'A terminal: its 12-digit Terminal Profile Number and a label.'],
  TerminalList: [terminalListSchema, "The merchant's terminals."],
  AuthToken: [authTokenSchema, 'A signed RS256 JWT for one TPN, with its times (ISO 8601).'],
  GenerateTokenRequest: [
    generateTokenRequestSchema,
    'Which terminal, and the lifetime in minutes (1–1440, default 1440).',
  ],
  RefreshTokenRequest: [refreshTokenRequestSchema, 'The token to refresh; accepted until 15 minutes after it expired.'],
  AuthenticateTokenResponse: [authenticateTokenResponseSchema, "iPOSpays' authenticate-token success body."],
  ErrorBody: [errorBodySchema, 'Every error: a stable code and a human-readable message (render as text).'],
  SessionSettings: [
    sessionSettingsSchema,
    'Reference backend only: clock offset and injected faults of one demo session.',
  ],
};

/** Which errors each route documents, by status, with the `errorCode`s the reference backend sends. */
const COMMON_ERRORS = {
  '401': "DEMO_ACCOUNT_REQUIRED (reference backend), or the host's own authentication failed.",
  '429': 'Too many requests; honour Retry-After.',
  '503': 'Temporarily unavailable; retry with backoff, honour Retry-After.',
};
const BODY_ERRORS = {
  '400': "INVALID_JSON, INVALID_REQUEST, INVALID_IDEMPOTENCY_KEY and the route's own codes.",
  '413': 'BODY_TOO_LARGE: the body is over 16 KiB.',
  '415': 'UNSUPPORTED_MEDIA_TYPE: send Content-Type: application/json.',
  '422': 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.',
};
const MERCHANT_ONLY = { '403': 'ROLE_FORBIDDEN: only Merchant Admin accounts have terminals and Auth Tokens.' };

interface Operation {
  summary: string;
  operationId: string;
  tag?: string;
  idempotent?: boolean;
  demoAccount?: boolean;
  headers?: JsonObject[];
  body?: string;
  success: [status: string, description: string, schema?: string];
  errors: Record<string, string>;
}

const PATHS: Record<string, Record<string, Operation>> = {
  '/credentials': {
    get: {
      summary: 'The role, its scopes and the keys (null when none were generated yet)',
      operationId: 'getCredentials',
      success: ['200', 'The credentials.', 'Credentials'],
      errors: COMMON_ERRORS,
    },
    post: {
      summary: 'Generate the API key and secret key',
      operationId: 'generateKeys',
      idempotent: true,
      success: ['201', 'Keys generated.', 'Credentials'],
      errors: { ...COMMON_ERRORS, '409': 'KEYS_EXIST: this account already has keys; reset the secret instead.' },
    },
  },
  '/credentials/secret/reveal': {
    post: {
      summary: 'The secret key (POST so that it never sits in a URL or a cache)',
      operationId: 'revealSecret',
      success: ['200', 'The secret key.', 'RevealedSecret'],
      errors: { ...COMMON_ERRORS, '404': 'KEYS_NOT_FOUND: generate the keys first.' },
    },
  },
  '/credentials/secret/reset': {
    post: {
      summary: 'Replace the secret key; the old one stops working at once',
      operationId: 'resetSecret',
      idempotent: true,
      success: ['200', "The credentials with the new secret's hint.", 'Credentials'],
      errors: { ...COMMON_ERRORS, '404': 'KEYS_NOT_FOUND: generate the keys first.' },
    },
  },
  '/terminals': {
    get: {
      summary: "The merchant's terminals (TPNs)",
      operationId: 'listTerminals',
      success: ['200', 'The terminals.', 'TerminalList'],
      errors: { ...COMMON_ERRORS, ...MERCHANT_ONLY },
    },
  },
  '/tokens': {
    post: {
      summary: 'Generate an Auth Token for a TPN',
      operationId: 'generateToken',
      idempotent: true,
      body: 'GenerateTokenRequest',
      success: ['201', 'The new token.', 'AuthToken'],
      errors: {
        ...COMMON_ERRORS,
        ...MERCHANT_ONLY,
        ...BODY_ERRORS,
        '400': `${BODY_ERRORS['400']} INVALID_TPN (not 12 digits), UNKNOWN_TPN (not this merchant's), INVALID_EXPIRY (not an integer 1–1440).`,
      },
    },
  },
  '/tokens/refresh': {
    post: {
      summary: 'A new token for the same TPN and lifetime',
      operationId: 'refreshToken',
      idempotent: true,
      body: 'RefreshTokenRequest',
      success: ['200', 'The new token.', 'AuthToken'],
      errors: {
        ...COMMON_ERRORS,
        ...MERCHANT_ONLY,
        ...BODY_ERRORS,
        '401':
          'TOKEN_GRACE_EXPIRED (more than 15 minutes past expiry), TOKEN_INVALID (not signed here, altered), TOKEN_WRONG_ACCOUNT; or DEMO_ACCOUNT_REQUIRED.',
      },
    },
  },
  '/authenticate-token': {
    post: {
      summary: "iPOSpays' token API (POST /v1/authenticate-token), modelled by the reference backend",
      operationId: 'authenticateToken',
      tag: 'iPOSpays model',
      demoAccount: false,
      headers: [
        headerParameter('apiKey', 'The API key (dakey_…).', false),
        headerParameter('secretKey', 'The secret key (dskey_…).', false),
        headerParameter('jwtTokenExpiryMinutes', 'Token lifetime, 1–1440 minutes (default 1440).', false, {
          type: 'string',
          pattern: '^\\d+$',
        }),
      ],
      success: ['200', 'Success: responseCode "00" and the token.', 'AuthenticateTokenResponse'],
      errors: {
        '400': 'INVALID_EXPIRY: jwtTokenExpiryMinutes is not 1–1440.',
        '401':
          'AUTH_ERR_001 API Key required; AUTH_ERR_002 Secret Key required; AUTH_ERR_004 invalid API key / secret key (an old secret after a reset included).',
      },
    },
  },
  '/__reference/session': {
    get: {
      summary: "This demo session's clock offset and faults",
      operationId: 'getReferenceSession',
      tag: 'reference backend',
      demoAccount: false,
      success: ['200', 'The session settings.'],
      errors: {},
    },
    put: {
      summary: "Set this demo session's clock offset and faults",
      operationId: 'updateReferenceSession',
      tag: 'reference backend',
      demoAccount: false,
      body: 'SessionSettings',
      success: ['200', 'The session settings.'],
      errors: { '400': 'INVALID_JSON or INVALID_REQUEST.', '413': BODY_ERRORS['413'], '415': BODY_ERRORS['415'] },
    },
    delete: {
      summary: 'Forget this demo session: it starts from the demo accounts again',
      operationId: 'resetReferenceSession',
      tag: 'reference backend',
      demoAccount: false,
      success: ['204', 'Reset.'],
      errors: {},
    },
  },
};

/** Builds the OpenAPI 3.1 document: every route, body, answer and error, and the headers. */
export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ipos-credential-elements HTTP contract',
      version: '1.0.0',
      description:
        'What `api-base` points at: the backend of the iPOSpays "Self-Service API Credentials & Access" elements. ' +
        'JSON bodies; errors are `{ errorCode, errorMessage }` with the HTTP status. Routes tagged ' +
        '"iPOSpays model" and "reference backend" are served by the reference backend only.',
    },
    servers: [{ url: '/api/ipos', description: 'The default base path of the reference backend.' }],
    tags: [
      { name: 'credentials', description: 'The contract the elements call.' },
      { name: 'iPOSpays model', description: "iPOSpays' own API as the reference backend models it." },
      { name: 'reference backend', description: 'Test and demo control of the reference backend.' },
    ],
    paths: Object.fromEntries(
      Object.entries(PATHS).map(([path, operations]) => [
        path,
        Object.fromEntries(
          Object.entries(operations).map(([method, operation]) => [method, operationObject(operation)]),
        ),
      ]),
    ),
    components: {
      schemas: componentSchemas(),
      parameters: {
        IdempotencyKey: headerParameter(
          'Idempotency-Key',
          'Sent on every mutating request, the same for every retry of one call: a repeat gets the first answer ' +
            '(with `Idempotent-Replayed: true`) and the work is done once. 1–255 printable ASCII characters.',
          false,
          { type: 'string', minLength: 1, maxLength: 255 },
        ),
        DemoAccount: headerParameter(
          'X-Ipos-Demo-Account',
          'Reference backend only: the demo account the request acts for. Missing or unknown: 401 DEMO_ACCOUNT_REQUIRED.',
          false,
          { type: 'string', enum: ['merchant', 'iso', 'agent'] },
        ),
        DemoSession: headerParameter(
          'X-Ipos-Demo-Session',
          'Reference backend only: an isolated copy of the demo accounts (default: the shared session).',
          false,
          { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        ),
      },
      responses: {
        Error: {
          description: 'An error.',
          headers: {
            'Retry-After': {
              description: 'Seconds (or an HTTP date) to wait before retrying.',
              schema: { type: 'string' },
            },
          },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        },
      },
    },
  };
}

function operationObject(operation: Operation): JsonObject {
  const [status, description, schema] = operation.success;
  const parameters = [
    ...(operation.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
    ...(operation.demoAccount === false ? [] : [{ $ref: '#/components/parameters/DemoAccount' }]),
    { $ref: '#/components/parameters/DemoSession' },
    ...(operation.headers ?? []),
  ];
  const errors = {
    ...operation.errors,
    '405': 'METHOD_NOT_ALLOWED (with an Allow header).',
  };
  return {
    tags: [operation.tag ?? 'credentials'],
    summary: operation.summary,
    operationId: operation.operationId,
    parameters,
    ...(operation.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${operation.body}` } } },
      },
    }),
    responses: {
      [status]: {
        description,
        ...(schema && { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } }),
      },
      ...Object.fromEntries(
        Object.entries(errors)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, text]) => [code, { $ref: '#/components/responses/Error', description: text }]),
      ),
    },
  };
}

function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, [schema]] of Object.entries(SCHEMAS)) registry.add(schema, { id });
  // `input`: what a receiver accepts (unknown properties are ignored, not refused).
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [
      id,
      { description: SCHEMAS[id]?.[1], ...(tidy(schema) as JsonObject) },
    ]),
  );
}

/** Drops JSON Schema noise OpenAPI does not need: `$schema`, `$id`, and zod's long date-time regex. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => key !== '$schema' && key !== '$id');
  const object = Object.fromEntries(entries.map(([key, item]) => [key, tidy(item)]));
  if (object['format'] === 'date-time') delete object['pattern'];
  return object;
}

function headerParameter(
  name: string,
  description: string,
  required: boolean,
  schema: JsonObject = { type: 'string' },
): JsonObject {
  return { name, in: 'header', required, description, schema };
}
