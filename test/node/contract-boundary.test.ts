import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const source = new URL('../../src/', import.meta.url).pathname;

/** Every relative import of every module in a folder of src/, as `file → specifier`. */
function relativeImports(folder: string): string[] {
  const directory = join(source, folder);
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(join(directory, file), 'utf8').matchAll(/from '(\.[^']+)'/g)].map(
        ([, specifier]) => `${folder}/${file} → ${specifier}`,
      ),
    );
}

describe('module boundaries', () => {
  it('src/contract imports nothing else in the project: it is the one source every side builds from', () => {
    const outside = relativeImports('contract').filter((line) => !/→ \.\/[^/]+$/.test(line));
    expect(outside).toEqual([]);
  });

  it('neither the contract nor the HTTP client depends on the reference backend', () => {
    const intoReference = [...relativeImports('contract'), ...relativeImports('backend')].filter((line) =>
      line.includes('reference/'),
    );
    expect(intoReference).toEqual([]);
  });
});
