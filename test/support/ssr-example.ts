/**
 * The end-to-end tests' `test` with the server-rendered example (examples/ssr-node) as a worker fixture: one per
 * worker process, shared by every file that uses it. Lit SSR defines the elements in one registry per process, so
 * a second example in the same worker would render with the first one's element classes, and with them the first
 * one's catalogues (an Arabic page in English).
 */
import { startSsrExample } from '../../examples/ssr-node/start.mjs';
import { test as engineTest } from './engine-test.js';

export { expect, skipIn } from './engine-test.js';

export const test = engineTest.extend<object, { ssrExample: { url: string } }>({
  ssrExample: [
    // Playwright reads a fixture's dependencies from its first parameter's pattern: this one has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const example = await startSsrExample({ port: 0 });
      try {
        await use(example);
      } finally {
        await example.close();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});
