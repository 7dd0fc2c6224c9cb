/** Key material for the credentials server, from the platform CSPRNG (Web Crypto, browser and Node alike). */

const URL_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` characters of `[A-Za-z0-9_-]`; unbiased because 256 is a multiple of the alphabet's 64. */
export function randomUrlSafe(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let text = '';
  for (const byte of bytes) text += URL_SAFE_ALPHABET[byte & 63];
  return text;
}

/** An API key in iPOSpays' published form: `dakey_` + 32 URL-safe characters. */
export function generateApiKey(): string {
  return `dakey_${randomUrlSafe(32)}`;
}

/** A secret key in iPOSpays' published form: `dskey_` + 32 URL-safe characters. */
export function generateSecretKey(): string {
  return `dskey_${randomUrlSafe(32)}`;
}
