/**
 * The OpenAPI 3.1 document of the HTTP contract, built from the route table and the zod schemas (the
 * single source), telling every status, header and limit the server kit answers with. Not exported from the
 * main entry (it would weigh on every bundle); `scripts/openapi.mjs` writes it to `openapi.json`. A server that
 * serves more than the contract (the reference backend) builds its own document by passing an `OpenApiExtension`.
 */
import * as z from 'zod/mini';
import { ROUTES, type OperationId, type RouteDefinition, type SchemaName } from './routes.js';
import { CONTRACT_SCHEMAS, activityEventSchema, errorBodySchema, keysSchema, terminalSchema } from './schemas.js';

type JsonObject = Record<string, unknown>;

/** A schema component: the zod schema and what it is. */
export type SchemaComponent = [schema: z.ZodMiniType, description: string];

const SCHEMA_DESCRIPTIONS: Record<SchemaName, string> = {
  Credentials: "The signed-in admin's role, the scopes iPOSpays assigns to it, and the keys (never the secret).",
  RevealedSecret: 'The secret key; sent only by the reveal route.',
  TerminalList: "The merchant's terminals.",
  AuthToken: 'A signed RS256 JWT for one TPN, with its times (ISO 8601).',
  ActivityPage: "A page of the account's activity trail, newest first, and the cursor of the older events.",
  ResetSecretRequest: 'How many minutes (0–1440) the previous secret keeps working; 0 or no body: it stops at once.',
  GenerateTokenRequest: 'Which terminal, and the lifetime in minutes (1–1440, default 1440).',
  RefreshTokenRequest: 'The token to refresh; accepted until 15 minutes after it expired.',
};

const CONTRACT_COMPONENTS: Record<string, SchemaComponent> = {
  ...Object.fromEntries(
    (Object.keys(CONTRACT_SCHEMAS) as SchemaName[]).map((name) => [
      name,
      [CONTRACT_SCHEMAS[name], SCHEMA_DESCRIPTIONS[name]] satisfies SchemaComponent,
    ]),
  ),
  Keys: [keysSchema, 'API key, the last 4 characters of the secret key, and when they were made.'],
  Terminal: [terminalSchema, 'A terminal: its 12-digit Terminal Profile Number and a label.'],
  ActivityEvent: [
    activityEventSchema,
    'One event of the audit log: what happened, when, who acted, from where, for which terminal. Never a secret.',
  ],
  ErrorBody: [errorBodySchema, 'Every error: a stable code and a human-readable message (render as text).'],
};

/** Every header the server answers with, as OpenAPI header objects (`components.headers`). */
export const RESPONSE_HEADERS = {
  'Cache-Control': {
    description: 'On every answer: no-store (answers hold secrets and tokens that no cache may keep).',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
  'Access-Control-Allow-Origin': {
    description:
      "Only to an origin of the server's allowedOrigins, on every answer: that origin (CORS with credentials). Same-origin pages need none.",
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
  'Access-Control-Allow-Credentials': {
    description: 'With Access-Control-Allow-Origin: true.',
    schema: { type: 'string', const: 'true' },
  },
  Vary: { description: 'With Access-Control-Allow-Origin: Origin.', schema: { type: 'string', const: 'Origin' } },
  'Retry-After': {
    description: 'Seconds to wait before sending the same request again.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]{1,6}$', maxLength: 6 },
  },
  'Idempotent-Replayed': {
    description:
      'true: this is the stored answer of an earlier request with the same Idempotency-Key, and the work was not done again.',
    schema: { type: 'string', const: 'true' },
  },
  RateLimit: {
    description:
      'Once the request was counted against its limit (IETF draft RateLimit header fields): the policy, the requests left in the window (r) and the seconds until it ends (t), e.g. "reset";r=7;t=42.',
    schema: { type: 'string', pattern: '^"[a-z]+";r=[0-9]{1,9};t=[0-9]{1,9}$', maxLength: 64 },
  },
  'RateLimit-Policy': {
    description:
      'With RateLimit: the policy, its quota (q) and window in seconds (w), e.g. "reset";q=10;w=60 (the server\'s rateLimits option).',
    schema: { type: 'string', pattern: '^"[a-z]+";q=[0-9]{1,9};w=[0-9]{1,9}$', maxLength: 64 },
  },
} satisfies Record<string, JsonObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** Headers any answer may carry: `no-store`, and CORS for an allowed origin. */
const EVERY_ANSWER: ResponseHeaderName[] = [
  'Cache-Control',
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Vary',
];
/** Headers of an answer given once a request was counted against its rate limit. */
const COUNTED: ResponseHeaderName[] = ['RateLimit', 'RateLimit-Policy'];

/** An error status as an operation documents it: what it means, and the headers it carries besides the common ones. */
export interface ErrorDocument {
  description: string;
  headers?: ResponseHeaderName[];
}

/** Checked on every route, not only where replays happen: a malformed header is the client's bug to hear about. */
export const BAD_IDEMPOTENCY_KEY: Record<string, ErrorDocument> = {
  '400': {
    description: 'INVALID_IDEMPOTENCY_KEY: the Idempotency-Key header is not 1–255 printable ASCII characters.',
  },
};
/** A body (on any method: a GET's is held to the same rules) too large or too slow for the Node adapters. */
export const BODY_ERRORS: Record<string, ErrorDocument> = {
  '408': {
    description:
      'REQUEST_TIMEOUT (the Node adapters): the body did not arrive within bodyTimeoutMs (default 10 s); the connection is closed.',
  },
  '413': {
    description: 'BODY_TOO_LARGE: the body is over 16 KiB; refused before it is read, and the connection is closed.',
  },
};
/** What every route can refuse with. */
const ANY_ROUTE_ERRORS: Record<string, ErrorDocument> = {
  ...BAD_IDEMPOTENCY_KEY,
  ...BODY_ERRORS,
  '401': { description: "UNAUTHENTICATED: no signed-in admin (the host's own session is missing or refused)." },
  '500': { description: 'INTERNAL_ERROR: an unexpected failure, logged by the server by name and message only.' },
  '503': {
    description:
      'DATABASE_UNAVAILABLE: the database is out of reach for now; send the same request (with the same Idempotency-Key) again after Retry-After.',
    headers: ['Retry-After'],
  },
};
/**
 * What a state-changing route (every POST) can refuse with besides: a browser's request from another site, a body
 * that is not JSON, and its rate limit (every POST has one).
 */
export const STATE_CHANGING_ERRORS: Record<string, ErrorDocument> = {
  '400': {
    description: 'INVALID_JSON (a body that is not UTF-8 JSON); INVALID_REQUEST (a body nested over 32 levels).',
  },
  '403': {
    description:
      'CROSS_ORIGIN_REFUSED: a browser said the request comes from another origin or site, and it is not an allowed origin (CSRF).',
  },
  '415': { description: 'UNSUPPORTED_MEDIA_TYPE: a body was sent without Content-Type: application/json.' },
  '429': {
    description: 'RATE_LIMITED: too many requests of this kind; send it again after Retry-After.',
    headers: ['Retry-After', ...COUNTED],
  },
};
const MERCHANT_ONLY = 'ROLE_FORBIDDEN: only Merchant Admin accounts have terminals and Auth Tokens.';
const KEYS_NOT_FOUND = { '404': 'KEYS_NOT_FOUND: generate the keys first.' };

/** What the route table does not say: each operation's summary, description, success wording and own errors. */
interface OperationDocs {
  summary: string;
  description: string;
  success: string;
  /** The errors the operation itself answers with (after the caller was counted against a rate limit). */
  errors?: Record<string, string>;
  /** The route's query parameters (`ROUTES[id].query`), as OpenAPI parameter objects by name. */
  query?: Record<string, JsonObject>;
}

const OPERATION_DOCS: Record<OperationId, OperationDocs> = {
  getCredentials: {
    summary: 'The role, its scopes and the keys (null when none were generated yet)',
    description: 'What the key panel shows: never the secret itself, only its last 4 characters.',
    success: 'The credentials.',
  },
  generateKeys: {
    summary: 'Generate the API key and secret key',
    description: 'Once per account: afterwards the secret is reset, never generated again.',
    success: 'Keys generated.',
    errors: { '409': 'KEYS_EXIST: this account already has keys; reset the secret instead.' },
  },
  revealSecret: {
    summary: 'The secret key (POST so that it never sits in a URL or a cache)',
    description: 'Audited as secret-revealed. Not idempotent: a replay store must never hold a secret.',
    success: 'The secret key.',
    errors: KEYS_NOT_FOUND,
  },
  resetSecret: {
    summary: 'Replace the secret key; the old one stops working at once, or after graceMinutes',
    description: 'The API key stays; the old secret stops authenticating now, or at the end of its grace window.',
    success: "The credentials with the new secret's hint, and previousSecretValidUntil during a grace window.",
    errors: {
      ...KEYS_NOT_FOUND,
      '400': 'INVALID_GRACE_MINUTES: graceMinutes is not an integer 0–1440.',
    },
  },
  revokePreviousSecret: {
    summary: 'End the grace window of the previous secret now (nothing to end is not an error)',
    description: 'From this answer on the previous secret is refused.',
    success: 'The credentials, with previousSecretValidUntil null.',
    errors: KEYS_NOT_FOUND,
  },
  listTerminals: {
    summary: "The merchant's terminals (TPNs)",
    description: "The host's listTerminals; merchants only.",
    success: 'The terminals.',
  },
  listActivity: {
    summary: "The account's activity trail (audit log), newest first, paged by cursor",
    description: 'Never a secret, a token or a key: who, what, when, from where and which terminal.',
    success: 'A page of events.',
    errors: {
      '400': 'INVALID_CURSOR (not a cursor this server gave), INVALID_LIMIT (not an integer 1–100).',
    },
    query: {
      cursor: queryParameter('cursor', "The previous page's `nextCursor`; absent for the newest events.", {
        type: 'string',
        pattern: '^[1-9][0-9]{0,14}$',
        maxLength: 15,
      }),
      limit: queryParameter('limit', 'How many events, 1–100 (default 20).', {
        type: 'integer',
        format: 'int32',
        minimum: 1,
        maximum: 100,
        default: 20,
      }),
    },
  },
  generateToken: {
    summary: 'Generate an Auth Token for a TPN',
    description: "A signed RS256 JWT with the merchant's scopes and the TPN; lifetime 1–1440 minutes.",
    success: 'The new token.',
    errors: {
      '400':
        "INVALID_REQUEST (not an object), INVALID_TPN (not 12 digits), UNKNOWN_TPN (not this merchant's), INVALID_EXPIRY (not an integer 1–1440).",
    },
  },
  refreshToken: {
    summary: 'A new token for the same TPN and lifetime',
    description: 'Accepted until 15 minutes after the token expired (its graceEndsAt).',
    success: 'The new token.',
    errors: {
      '400': 'INVALID_REQUEST: the body is not { "token": "…" }.',
      '401':
        'TOKEN_GRACE_EXPIRED (more than 15 minutes past expiry), TOKEN_INVALID (not signed here, altered), TOKEN_WRONG_ACCOUNT; or UNAUTHENTICATED.',
    },
  },
};

/** How the host's callers sign in: the portal's own session, as `resolveAccount` reads it. */
const CONTRACT_SECURITY_SCHEMES: Record<string, JsonObject> = {
  portalSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description:
      "The portal's own session cookie (its name is the portal's: `session` stands for it), read by the host's resolveAccount. Same-origin pages send it by themselves.",
  },
  portalBearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      "A bearer token of the portal's own, sent by the page (HttpBackend's headers option) and read by the host's resolveAccount.",
  },
};
const CONTRACT_SECURITY = [{ portalSession: [] }, { portalBearer: [] }];

/** An operation described in full, as an extension adds it. */
export interface OperationDocument {
  path: string;
  method: 'get' | 'post' | 'put' | 'delete';
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  /** Who may call it: security requirement objects (`[]`: anyone). */
  security: JsonObject[];
  /** Query and header parameters, as OpenAPI parameter objects. */
  headers?: JsonObject[];
  /** The request body's schema component. */
  body?: string;
  /** The body may be left out. */
  bodyOptional?: boolean;
  success: [status: string, description: string, schema?: string];
  /** Headers of the success answer besides the common ones. */
  successHeaders?: ResponseHeaderName[];
  errors: Record<string, ErrorDocument>;
  /** Another answer than those listed: what it is (e.g. a fault a test injected). */
  otherwise?: string;
}

/** What a server that serves more than the contract adds to its own document. */
export interface OpenApiExtension {
  title: string;
  description: string;
  tags: { name: string; description: string }[];
  schemas?: Record<string, SchemaComponent>;
  /** Header parameter components, added by `$ref` to every contract operation. */
  contractHeaders?: Record<string, JsonObject>;
  /** How callers of the contract's operations sign in, replacing the portal's session. */
  contractSecurity?: { schemes: Record<string, JsonObject>; requirements: JsonObject[] };
  /** Security schemes of the extension's own operations. */
  securitySchemes?: Record<string, JsonObject>;
  /** What the contract's operations may also answer (e.g. injected faults). */
  contractOtherwise?: string;
  operations?: OperationDocument[];
}

/** Builds the OpenAPI 3.1 document of the contract, or of the contract plus a server's extension. */
export function buildOpenApiDocument(extension?: OpenApiExtension): JsonObject {
  const contractHeaders = Object.keys(extension?.contractHeaders ?? {}).map((name) => ({
    $ref: `#/components/parameters/${name}`,
  }));
  const security = extension?.contractSecurity?.requirements ?? CONTRACT_SECURITY;
  const operations = [
    ...(Object.keys(ROUTES) as OperationId[]).map((id) => ({
      ...contractOperation(id, contractHeaders, security),
      otherwise: extension?.contractOtherwise,
    })),
    ...(extension?.operations ?? []),
  ];
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const operation of operations) (paths[operation.path] ??= {})[operation.method] = operationObject(operation);
  return {
    openapi: '3.1.0',
    info: {
      title: extension?.title ?? 'ipos-credential-elements HTTP contract',
      version: '1.0.0',
      description:
        extension?.description ??
        'What `api-base` points at: the backend of the iPOSpays "Self-Service API Credentials & Access" elements. ' +
          'JSON bodies; errors are `{ errorCode, errorMessage }` with the HTTP status. Who the caller is comes ' +
          "from the portal's own session (a cookie or a bearer token), read by the host.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: '/api/ipos',
        description: "The default base path on the portal's own origin, in production as in every other environment.",
        'x-internal': true,
      },
    ],
    tags: [{ name: 'credentials', description: 'The contract the elements call.' }, ...(extension?.tags ?? [])],
    paths,
    components: {
      schemas: componentSchemas({ ...CONTRACT_COMPONENTS, ...extension?.schemas }),
      parameters: {
        IdempotencyKey: headerParameter(
          'Idempotency-Key',
          'Sent on every mutating request, the same for every retry of one call: a repeat gets the first answer ' +
            '(with `Idempotent-Replayed: true`) and the work is done once. 1–255 printable ASCII characters.',
          false,
          { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', minLength: 1, maxLength: 255 },
        ),
        ...extension?.contractHeaders,
      },
      headers: RESPONSE_HEADERS,
      securitySchemes: {
        ...(extension?.contractSecurity?.schemes ?? CONTRACT_SECURITY_SCHEMES),
        ...extension?.securitySchemes,
      },
    },
  };
}

function contractOperation(id: OperationId, extraHeaders: JsonObject[], security: JsonObject[]): OperationDocument {
  const route: RouteDefinition = ROUTES[id];
  const docs = OPERATION_DOCS[id];
  const stateChanging = route.method === 'POST';
  // What the operation answers once the caller was counted against the limit (every POST has one), and what a
  // replay of an Idempotency-Key can repeat: the success and the operation's own refusals.
  const counted = stateChanging ? COUNTED : [];
  const replayed: ResponseHeaderName[] = route.idempotent ? ['Idempotent-Replayed'] : [];
  const own = Object.fromEntries(
    Object.entries(docs.errors ?? {}).map(([status, description]) => [
      status,
      { description, headers: [...counted, ...replayed] },
    ]),
  );
  const errors = mergeErrors(
    ANY_ROUTE_ERRORS,
    stateChanging ? STATE_CHANGING_ERRORS : {},
    route.merchantOnly ? { '403': { description: MERCHANT_ONLY } } : {},
    route.idempotent && route.request
      ? { '422': { description: 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.', headers: counted } }
      : {},
    own,
  );
  // A failure after the request was counted still tells the count.
  for (const status of ['500', '503']) errors[status]!.headers = [...(errors[status]!.headers ?? []), ...counted];
  return {
    path: route.path,
    method: route.method === 'GET' ? 'get' : 'post',
    operationId: id,
    summary: docs.summary,
    description: docs.description,
    tag: 'credentials',
    security,
    headers: [
      ...(route.query ?? []).map((name) => docs.query?.[name] ?? queryParameter(name, name)),
      ...(route.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ...extraHeaders,
    ],
    body: route.request,
    bodyOptional: route.requestOptional,
    success: [String(route.status), docs.success, route.response],
    successHeaders: [...counted, ...replayed],
    errors,
  };
}

/** Error tables merged by status: the descriptions of one status joined, its headers united. */
export function mergeErrors(...tables: Record<string, ErrorDocument>[]): Record<string, ErrorDocument> {
  const merged: Record<string, ErrorDocument> = {};
  for (const table of tables) {
    for (const [status, { description, headers = [] }] of Object.entries(table)) {
      const before = merged[status];
      merged[status] = before
        ? {
            description: before.description.includes(description)
              ? before.description
              : `${before.description} ${description}`,
            headers: [...new Set([...(before.headers ?? []), ...headers])],
          }
        : { description, headers };
    }
  }
  return merged;
}

function operationObject(operation: OperationDocument): JsonObject {
  const [status, description, schema] = operation.success;
  const json = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });
  return {
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    operationId: operation.operationId,
    security: operation.security,
    parameters: operation.headers ?? [],
    ...(operation.body && {
      requestBody: { required: !operation.bodyOptional, content: json(operation.body) },
    }),
    responses: {
      [status]: {
        description,
        headers: headerRefs(operation.successHeaders ?? []),
        ...(schema && { content: json(schema) }),
      },
      ...Object.fromEntries(
        Object.entries(operation.errors)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, error]) => [
            code,
            { description: error.description, headers: headerRefs(error.headers ?? []), content: json('ErrorBody') },
          ]),
      ),
      ...(operation.otherwise && {
        default: { description: operation.otherwise, headers: headerRefs(['Retry-After']) },
      }),
    },
  };
}

/** The common headers and `extra`, each as a `$ref` to `components.headers`. */
function headerRefs(extra: ResponseHeaderName[]): JsonObject {
  const names = [...new Set([...EVERY_ANSWER, ...extra])];
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

function componentSchemas(components: Record<string, SchemaComponent>): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, [schema]] of Object.entries(components)) registry.add(schema, { id });
  // `input`: what a receiver accepts (unknown properties are ignored, not refused).
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [
      id,
      { description: components[id]?.[1], ...(tidy(schema) as JsonObject) },
    ]),
  );
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * Drops JSON Schema noise OpenAPI does not need (`$schema`, `$id`, zod's long date-time regex), and names the
 * format of integers that fit 32 bits (every integer of the contract).
 */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => key !== '$schema' && key !== '$id');
  const object = Object.fromEntries(entries.map(([key, item]) => [key, tidy(item)]));
  if (object['format'] === 'date-time') delete object['pattern'];
  const fits = (bound: unknown) => typeof bound === 'number' && Math.abs(bound) <= INT32_MAX;
  if (object['type'] === 'integer' && fits(object['minimum']) && fits(object['maximum'])) object['format'] = 'int32';
  return object;
}

/** An OpenAPI header parameter object. */
export function headerParameter(
  name: string,
  description: string,
  required: boolean,
  schema: JsonObject = { type: 'string' },
): JsonObject {
  return { name, in: 'header', required, description, schema };
}

/** An optional OpenAPI query parameter object. */
function queryParameter(name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject {
  return { name, in: 'query', required: false, description, schema };
}
