/**
 * The formats of the contract's values, shared by the zod schemas (types, OpenAPI, the reference server)
 * and the lean guards the browser validates answers with, so the two can never disagree on a pattern.
 * iPOSpays publishes no key length, so keys are validated leniently: prefix + a non-empty URL-safe tail.
 */
export const API_KEY_PATTERN = /^dakey_[A-Za-z0-9_-]+$/;
export const SECRET_KEY_PATTERN = /^dskey_[A-Za-z0-9_-]+$/;
/** The last 4 characters of the secret: all the masked view is built from. */
export const SECRET_KEY_HINT_PATTERN = /^[A-Za-z0-9_-]{4}$/;
/** Terminal Profile Number: 12 digits. */
export const TPN_PATTERN = /^\d{12}$/;
/** A JWT's three base64url parts (header.payload.signature). */
export const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
