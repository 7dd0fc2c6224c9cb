/**
 * The reference backend's own OpenAPI document (`reference.openapi.json`): the contract as the reference
 * serves it (demo account and session headers), plus iPOSpays' token API it models and its control route.
 * The contract alone is `openapi.json`, with none of this.
 */
import { buildOpenApiDocument, headerParameter, type OpenApiExtension } from '../contract/openapi.js';
import { USER_ROLES } from '../contract/vocabulary.js';
import { sessionSettingsSchema, CONTROL_PATH, DEMO_ACCOUNT_HEADER, DEMO_SESSION_HEADER } from './reference-server.js';
import { AUTHENTICATE_TOKEN_PATH, JWKS_PATH } from '../server/credentials-server.js';
import { authenticateTokenResponseSchema } from '../contract/schemas.js';

const BODY_ERRORS = {
  '400': 'INVALID_JSON or INVALID_REQUEST.',
  '413': 'BODY_TOO_LARGE: the body is over 16 KiB.',
  '415': 'UNSUPPORTED_MEDIA_TYPE: send Content-Type: application/json.',
};
const sessionHeader = { $ref: '#/components/parameters/DemoSession' };

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
      { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    ),
  },
  operations: [
    {
      path: AUTHENTICATE_TOKEN_PATH,
      method: 'post',
      operationId: 'authenticateToken',
      summary: "iPOSpays' token API (POST /v1/authenticate-token), modelled by the reference backend",
      tag: 'iPOSpays model',
      headers: [
        sessionHeader,
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
    {
      path: JWKS_PATH,
      method: 'get',
      operationId: 'getJwks',
      summary: 'The JSON Web Key Set (RFC 7517) that verifies the Auth Tokens (RS256)',
      tag: 'iPOSpays model',
      headers: [],
      success: ['200', '{ keys: [ { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" } ] }.'],
      errors: {},
    },
    {
      path: CONTROL_PATH,
      method: 'get',
      operationId: 'getReferenceSession',
      summary: "This demo session's clock offset and faults",
      tag: 'reference backend',
      headers: [sessionHeader],
      success: ['200', 'The session settings.'],
      errors: {},
    },
    {
      path: CONTROL_PATH,
      method: 'put',
      operationId: 'updateReferenceSession',
      summary: "Set this demo session's clock offset and faults",
      tag: 'reference backend',
      headers: [sessionHeader],
      body: 'SessionSettings',
      success: ['200', 'The session settings.'],
      errors: BODY_ERRORS,
    },
    {
      path: CONTROL_PATH,
      method: 'delete',
      operationId: 'resetReferenceSession',
      summary: 'Forget this demo session: it starts from the demo accounts again',
      tag: 'reference backend',
      headers: [sessionHeader],
      success: ['204', 'Reset.'],
      errors: {},
    },
  ],
};

/** The reference backend's OpenAPI document. */
export function buildReferenceOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(REFERENCE_EXTENSION);
}
