/**
 * The reference backend's own OpenAPI document (`reference.openapi.json`): the contract as the reference
 * serves it (demo account and session headers), plus iPOSpays' token API it models and its control route.
 * The contract alone is `openapi.json`, with none of this.
 */
import {
  BAD_IDEMPOTENCY_KEY,
  BODY_ERRORS,
  STATE_CHANGING_ERRORS,
  buildOpenApiDocument,
  headerParameter,
  mergeErrors,
  type OpenApiExtension,
} from '../contract/openapi.js';
import { USER_ROLES } from '../contract/vocabulary.js';
import { sessionSettingsSchema, CONTROL_PATH, DEMO_ACCOUNT_HEADER, DEMO_SESSION_HEADER } from './reference-server.js';
import { AUTHENTICATE_TOKEN_PATH, JWKS_PATH } from '../server/credentials-server.js';
import { authenticateTokenResponseSchema } from '../contract/schemas.js';
import * as z from 'zod/mini';

/** What `GET /.well-known/jwks.json` answers: the one RS256 public key that verifies the tokens. */
const jsonWebKeySetSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('RSA'),
      n: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)),
      e: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)),
      kid: z.string(),
      alg: z.literal('RS256'),
      use: z.literal('sig'),
    }),
  ),
});

const sessionHeader = { $ref: '#/components/parameters/DemoSession' };
const REFERENCE_FAULTS =
  'A fault injected by a test (forcedStatus, failureRate): any status, with the body it was given or an error body, and Retry-After only when the fault sets retryAfter.';
const FAILURES = {
  '500': { description: 'INTERNAL_ERROR: an unexpected failure.' },
  '503': {
    description: 'DATABASE_UNAVAILABLE: the database is out of reach for now; retry after Retry-After.',
    headers: ['Retry-After' as const],
  },
};
/** What the control route refuses: it is state-changing for PUT and DELETE, and reads a body for PUT. */
const CONTROL_WRITE_ERRORS = {
  '403': STATE_CHANGING_ERRORS['403']!,
  '500': { description: 'INTERNAL_ERROR: an unexpected failure.' },
};
const COUNTED = ['RateLimit' as const, 'RateLimit-Policy' as const];
const BAD_SESSION = {
  '400': {
    description: `INVALID_DEMO_SESSION: ${DEMO_SESSION_HEADER} is not 1–64 characters of A–Z, a–z, 0–9, _ and -.`,
  },
};
/** Test and demo control: no sign-in, and never mounted in production (the server kit has no such route). */
const DEMO_ONLY: never[] = [];

const REFERENCE_EXTENSION: OpenApiExtension = {
  title: 'ipos-credential-elements reference backend',
  description:
    'The reference (demo and test) backend: the HTTP contract of `openapi.json`, acting for a demo account ' +
    `chosen by the ${DEMO_ACCOUNT_HEADER} header, plus iPOSpays' authenticate-token API and a control route.`,
  tags: [
    { name: 'iPOSpays model', description: "iPOSpays' own API as the reference backend models it." },
    { name: 'reference backend', description: 'Test and demo control of the reference backend.' },
  ],
  schemas: {
    AuthenticateTokenResponse: [authenticateTokenResponseSchema, "iPOSpays' authenticate-token success body."],
    SessionSettings: [sessionSettingsSchema, 'Clock offset and injected faults of one demo session.'],
    JsonWebKeySet: [jsonWebKeySetSchema, 'The public keys (RFC 7517) that verify the Auth Tokens.'],
  },
  contractHeaders: {
    DemoAccount: headerParameter(
      DEMO_ACCOUNT_HEADER,
      'The demo account the request acts for. Missing: the default account the server was configured with, or 401 DEMO_ACCOUNT_REQUIRED.',
      false,
      { type: 'string', enum: [...USER_ROLES] },
    ),
    DemoSession: headerParameter(
      DEMO_SESSION_HEADER,
      'An isolated copy of the demo accounts (default: the shared session).',
      false,
      { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', maxLength: 64 },
    ),
  },
  contractSecurity: {
    schemes: {
      demoAccount: {
        type: 'apiKey',
        in: 'header',
        name: DEMO_ACCOUNT_HEADER,
        description: `The demo account the request acts for (${USER_ROLES.join(', ')}); a server made with a default account needs none.`,
      },
    },
    requirements: [{ demoAccount: [] }],
  },
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'apiKey',
      description: 'The API key (dakey_…), with its secret key in the secretKey header.',
    },
    secretKey: {
      type: 'apiKey',
      in: 'header',
      name: 'secretKey',
      description: 'The secret key (dskey_…) of the API key.',
    },
  },
  contractOtherwise: REFERENCE_FAULTS,
  operations: [
    {
      path: AUTHENTICATE_TOKEN_PATH,
      method: 'post',
      operationId: 'authenticateToken',
      summary: "iPOSpays' token API (POST /v1/authenticate-token), modelled by the reference backend",
      description:
        "A token for the keys given in the apiKey and secretKey headers, signed RS256 with the scopes of the account's current role. Rate limited per source address.",
      tag: 'iPOSpays model',
      security: [{ apiKey: [], secretKey: [] }],
      headers: [
        sessionHeader,
        headerParameter('jwtTokenExpiryMinutes', 'Token lifetime, 1–1440 minutes (default 1440).', false, {
          type: 'string',
          pattern: '^[0-9]{1,4}$',
          maxLength: 4,
        }),
      ],
      success: ['200', 'Success: responseCode "00" and the token.', 'AuthenticateTokenResponse'],
      successHeaders: COUNTED,
      errors: mergeErrors(BAD_IDEMPOTENCY_KEY, BODY_ERRORS, STATE_CHANGING_ERRORS, BAD_SESSION, FAILURES, {
        '400': { description: 'INVALID_EXPIRY: jwtTokenExpiryMinutes is not 1–1440.', headers: COUNTED },
        '401': {
          description:
            'AUTH_ERR_001 API Key required; AUTH_ERR_002 Secret Key required; AUTH_ERR_004 invalid API key / secret key (an old secret after a reset included).',
          headers: COUNTED,
        },
      }),
      otherwise: REFERENCE_FAULTS,
    },
    {
      path: JWKS_PATH,
      method: 'get',
      operationId: 'getJwks',
      summary: 'The JSON Web Key Set (RFC 7517) that verifies the Auth Tokens (RS256)',
      description: 'Public by design: verifiers need no secret.',
      tag: 'iPOSpays model',
      security: [],
      headers: [],
      success: ['200', '{ keys: [ { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" } ] }.', 'JsonWebKeySet'],
      errors: mergeErrors(BAD_IDEMPOTENCY_KEY, BAD_SESSION, FAILURES),
      otherwise: REFERENCE_FAULTS,
    },
    {
      path: CONTROL_PATH,
      method: 'get',
      operationId: 'getReferenceSession',
      summary: "This demo session's clock offset and faults",
      description: 'Test and demo control; the server kit has no such route.',
      tag: 'reference backend',
      security: DEMO_ONLY,
      headers: [sessionHeader],
      success: ['200', 'The session settings.', 'SessionSettings'],
      errors: { ...BAD_SESSION, '500': CONTROL_WRITE_ERRORS['500'] },
    },
    {
      path: CONTROL_PATH,
      method: 'put',
      operationId: 'updateReferenceSession',
      summary: "Set this demo session's clock offset and faults",
      description: 'Test and demo control; the server kit has no such route.',
      tag: 'reference backend',
      security: DEMO_ONLY,
      headers: [sessionHeader],
      body: 'SessionSettings',
      success: ['200', 'The session settings.', 'SessionSettings'],
      errors: mergeErrors(CONTROL_WRITE_ERRORS, BAD_SESSION, {
        '400': { description: 'INVALID_JSON or INVALID_REQUEST (settings out of range).' },
        '413': BODY_ERRORS['413']!,
        '415': STATE_CHANGING_ERRORS['415']!,
      }),
    },
    {
      path: CONTROL_PATH,
      method: 'delete',
      operationId: 'resetReferenceSession',
      summary: 'Forget this demo session: it starts from the demo accounts again',
      description: 'Test and demo control; the server kit has no such route.',
      tag: 'reference backend',
      security: DEMO_ONLY,
      headers: [sessionHeader],
      success: ['204', 'Reset.'],
      errors: mergeErrors(CONTROL_WRITE_ERRORS, BAD_SESSION),
    },
  ],
};

/** The reference backend's OpenAPI document. */
export function buildReferenceOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(REFERENCE_EXTENSION);
}
