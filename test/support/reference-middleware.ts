// Loaded by web-test-runner.config.mjs through Vite's runnerImport (Node cannot import TS itself).
import { createReferenceServer } from '../../src/reference/index.js';
import { referenceKoaMiddleware } from '../../src/reference/node.js';

/** The reference backend over real HTTP under /api/ipos, for the element tests. */
export const referenceMiddleware = referenceKoaMiddleware(createReferenceServer());
