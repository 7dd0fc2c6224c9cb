import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/backend/openapi.js';
import { CONTRACT_ROUTES } from '../../src/reference/routes.js';
import { CONTROL_PATH } from '../../src/reference/index.js';

const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { $ref?: string }[] }>>;
};

describe('openapi.json', () => {
  it('is the committed output of buildOpenApiDocument() (run `node scripts/openapi.mjs`)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(document);
  });

  it('describes every route and method the reference backend serves', () => {
    const served = Object.entries({ ...CONTRACT_ROUTES, [CONTROL_PATH]: { GET: 0, PUT: 0, DELETE: 0 } }).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toLowerCase()} ${path}`),
    );
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(served.sort());
  });

  it('documents the Idempotency-Key on every replayable write', () => {
    for (const [path, methods] of Object.entries(CONTRACT_ROUTES)) {
      for (const [method, spec] of Object.entries(methods)) {
        if (!('replayable' in spec) || !spec.replayable) continue;
        const refs = document.paths[path]![method.toLowerCase()]!.parameters.map((parameter) => parameter.$ref);
        expect(refs, `${method} ${path}`).toContain('#/components/parameters/IdempotencyKey');
      }
    }
  });

  it('has no dangling $ref', () => {
    const text = JSON.stringify(document);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = ref!
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });
});
