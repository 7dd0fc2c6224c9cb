/**
 * The OpenAPI 3.1 document of the HTTP contract, built from the route table and the zod schemas (the
 * single source). Not exported from the main entry (it would weigh on every bundle); `scripts/openapi.mjs`
 * writes it to `openapi.json`. A server that serves more than the contract (the reference backend) builds
 * its own document by passing an `OpenApiExtension`.
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

/** Errors every operation documents, by status. */
const COMMON_ERRORS = {
  '401': "No signed-in admin: the host's own authentication failed or is missing.",
  '405': 'METHOD_NOT_ALLOWED (with an Allow header).',
  '429': 'Too many requests; honour Retry-After.',
  '503':
    'Temporarily unavailable (DATABASE_UNAVAILABLE: the database is out of reach); retry with backoff, honour Retry-After.',
};
const BODY_ERRORS = {
  '400': "INVALID_JSON, INVALID_REQUEST, INVALID_IDEMPOTENCY_KEY and the route's own codes.",
  '413': 'BODY_TOO_LARGE: the body is over 16 KiB.',
  '415': 'UNSUPPORTED_MEDIA_TYPE: send Content-Type: application/json.',
  '422': 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.',
};
const MERCHANT_ONLY = { '403': 'ROLE_FORBIDDEN: only Merchant Admin accounts have terminals and Auth Tokens.' };
const KEYS_NOT_FOUND = { '404': 'KEYS_NOT_FOUND: generate the keys first.' };

/** What the route table does not say: each operation's summary, success wording and own errors. */
interface OperationDocs {
  summary: string;
  success: string;
  errors?: Record<string, string>;
  /** The route's query parameters (`ROUTES[id].query`), as OpenAPI parameter objects by name. */
  query?: Record<string, JsonObject>;
}

const OPERATION_DOCS: Record<OperationId, OperationDocs> = {
  getCredentials: {
    summary: 'The role, its scopes and the keys (null when none were generated yet)',
    success: 'The credentials.',
  },
  generateKeys: {
    summary: 'Generate the API key and secret key',
    success: 'Keys generated.',
    errors: { '409': 'KEYS_EXIST: this account already has keys; reset the secret instead.' },
  },
  revealSecret: {
    summary: 'The secret key (POST so that it never sits in a URL or a cache)',
    success: 'The secret key.',
    errors: KEYS_NOT_FOUND,
  },
  resetSecret: {
    summary: 'Replace the secret key; the old one stops working at once, or after graceMinutes',
    success: "The credentials with the new secret's hint, and previousSecretValidUntil during a grace window.",
    errors: {
      ...KEYS_NOT_FOUND,
      '400': `${BODY_ERRORS['400']} INVALID_GRACE_MINUTES (not an integer 0–1440).`,
    },
  },
  revokePreviousSecret: {
    summary: 'End the grace window of the previous secret now (nothing to end is not an error)',
    success: 'The credentials, with previousSecretValidUntil null.',
    errors: KEYS_NOT_FOUND,
  },
  listTerminals: { summary: "The merchant's terminals (TPNs)", success: 'The terminals.' },
  listActivity: {
    summary: "The account's activity trail (audit log), newest first, paged by cursor",
    success: 'A page of events.',
    errors: {
      '400': 'INVALID_CURSOR (not a cursor this server gave), INVALID_LIMIT (not an integer 1–100).',
    },
    query: {
      cursor: queryParameter('cursor', "The previous page's `nextCursor`; absent for the newest events.", {
        type: 'string',
        maxLength: 200,
      }),
      limit: queryParameter('limit', 'How many events, 1–100 (default 20).', {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: 20,
      }),
    },
  },
  generateToken: {
    summary: 'Generate an Auth Token for a TPN',
    success: 'The new token.',
    errors: {
      '400': `${BODY_ERRORS['400']} INVALID_TPN (not 12 digits), UNKNOWN_TPN (not this merchant's), INVALID_EXPIRY (not an integer 1–1440).`,
    },
  },
  refreshToken: {
    summary: 'A new token for the same TPN and lifetime',
    success: 'The new token.',
    errors: {
      '401':
        'TOKEN_GRACE_EXPIRED (more than 15 minutes past expiry), TOKEN_INVALID (not signed here, altered), TOKEN_WRONG_ACCOUNT; or no signed-in admin.',
    },
  },
};

/** An operation described in full, as an extension adds it. */
export interface OperationDocument {
  path: string;
  method: 'get' | 'post' | 'put' | 'delete';
  operationId: string;
  summary: string;
  tag: string;
  /** Query and header parameters, as OpenAPI parameter objects. */
  headers?: JsonObject[];
  /** The request body's schema component. */
  body?: string;
  /** The body may be left out. */
  bodyOptional?: boolean;
  success: [status: string, description: string, schema?: string];
  errors: Record<string, string>;
}

/** What a server that serves more than the contract adds to its own document. */
export interface OpenApiExtension {
  title: string;
  description: string;
  tags: { name: string; description: string }[];
  schemas?: Record<string, SchemaComponent>;
  /** Header parameter components, added by `$ref` to every contract operation. */
  contractHeaders?: Record<string, JsonObject>;
  operations?: OperationDocument[];
}

/** Builds the OpenAPI 3.1 document of the contract, or of the contract plus a server's extension. */
export function buildOpenApiDocument(extension?: OpenApiExtension): JsonObject {
  const contractHeaders = Object.keys(extension?.contractHeaders ?? {}).map((name) => ({
    $ref: `#/components/parameters/${name}`,
  }));
  const operations = [
    ...(Object.keys(ROUTES) as OperationId[]).map((id) => contractOperation(id, contractHeaders)),
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
          "from the host's own session (cookie or header); the contract does not prescribe it.",
    },
    servers: [{ url: '/api/ipos', description: 'The default base path.' }],
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
          { type: 'string', minLength: 1, maxLength: 255 },
        ),
        ...extension?.contractHeaders,
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

function contractOperation(id: OperationId, extraHeaders: JsonObject[]): OperationDocument {
  const route: RouteDefinition = ROUTES[id];
  const docs = OPERATION_DOCS[id];
  return {
    path: route.path,
    method: route.method === 'GET' ? 'get' : 'post',
    operationId: id,
    summary: docs.summary,
    tag: 'credentials',
    headers: [
      ...(route.query ?? []).map((name) => docs.query?.[name] ?? queryParameter(name, name)),
      ...(route.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ...extraHeaders,
    ],
    body: route.request,
    bodyOptional: route.requestOptional,
    success: [String(route.status), docs.success, route.response],
    errors: {
      ...COMMON_ERRORS,
      ...(route.merchantOnly && MERCHANT_ONLY),
      ...(route.request && BODY_ERRORS),
      ...docs.errors,
    },
  };
}

function operationObject(operation: OperationDocument): JsonObject {
  const [status, description, schema] = operation.success;
  return {
    tags: [operation.tag],
    summary: operation.summary,
    operationId: operation.operationId,
    parameters: operation.headers ?? [],
    ...(operation.body && {
      requestBody: {
        required: !operation.bodyOptional,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${operation.body}` } } },
      },
    }),
    responses: {
      [status]: {
        description,
        ...(schema && { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } }),
      },
      ...Object.fromEntries(
        Object.entries(operation.errors)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, text]) => [code, { $ref: '#/components/responses/Error', description: text }]),
      ),
    },
  };
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

/** Drops JSON Schema noise OpenAPI does not need: `$schema`, `$id`, and zod's long date-time regex. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => key !== '$schema' && key !== '$id');
  const object = Object.fromEntries(entries.map(([key, item]) => [key, tidy(item)]));
  if (object['format'] === 'date-time') delete object['pattern'];
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
