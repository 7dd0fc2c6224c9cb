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
/**
 * zod's `z.iso.datetime({ offset: true })` (RFC 3339): a real calendar date (days per month, 29 February only
 * in leap years), hours, minutes and seconds, an optional fraction, `Z` or `±hh:mm`. The browser guards use it;
 * `test/node/contract/guards.test.ts` proves it accepts exactly what zod does.
 */
export const ISO_DATETIME_PATTERN = new RegExp(
  '^(?:' +
    // 29 February of a leap year: divisible by 4 and not by 100, or by 400.
    '(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29' +
    '|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
    ')T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$',
);
