import { expect } from 'vitest';

/**
 * What must never reach a log: every secret key, token signature and piece of key material a test saw.
 * `expectAbsentFrom` scans the full output of every service process of the file.
 */
export class SecretsSeen {
  private readonly values = new Set<string>();

  add(...values: (string | undefined)[]): void {
    for (const value of values) if (value) this.values.add(value);
  }

  /** A JWT's signature (and the whole token). */
  addToken(token: string): void {
    this.add(token, token.split('.')[2]);
  }

  /** A PEM's base64 lines: any one of them in a log would be key material. */
  addPem(pem: string): void {
    for (const line of pem.split(/\\n|\n/)) if (/^[A-Za-z0-9+/=]{40,}$/.test(line)) this.add(line);
  }

  get size(): number {
    return this.values.size;
  }

  expectAbsentFrom(output: string): void {
    expect(output).not.toMatch(/dskey_/);
    const found = [...this.values].filter((value) => output.includes(value));
    expect(found, 'secrets found in the service logs').toEqual([]);
  }
}
