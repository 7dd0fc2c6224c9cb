import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/contract/openapi.js';
import { OPERATION_IDS, ROUTES } from '../../../src/contract/routes.js';
import { buildReferenceOpenApiDocument } from '../../../src/reference/openapi.js';
import { REFERENCE_ROUTES } from '../../../src/reference/reference-server.js';
import { CONTROL_PATH } from '../../../src/reference/index.js';

type Document = {
  paths: Record<string, Record<string, { operationId: string; parameters: { $ref?: string; name?: string }[] }>>;
};
const contract = buildOpenApiDocument() as Document;
const reference = buildReferenceOpenApiDocument() as Document;

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ key: `${method} ${path}`, ...operation })),
  );

describe('openapi.json (the contract)', () => {
  it('is the committed output of buildOpenApiDocument() (run `node scripts/openapi.mjs`)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(contract);
  });

  it('has exactly the operations of the route table, by id, method and path', () => {
    const expected = OPERATION_IDS.map((id) => `${id} ${ROUTES[id].method.toLowerCase()} ${ROUTES[id].path}`);
    const documented = operations(contract).map((operation) => `${operation.operationId} ${operation.key}`);
    expect(documented.sort()).toEqual(expected.sort());
  });

  it('carries none of the reference backend: no demo headers, no control route, no authenticate-token', () => {
    const text = JSON.stringify(contract);
    expect(text).not.toMatch(/X-Ipos-Demo|__reference|authenticate-token|SessionSettings/);
  });

  it('documents the Idempotency-Key on every idempotent write', () => {
    for (const id of OPERATION_IDS) {
      const route = ROUTES[id];
      const refs = contract.paths[route.path]![route.method.toLowerCase()]!.parameters.map((p) => p.$ref);
      expect(refs.includes('#/components/parameters/IdempotencyKey'), id).toBe('idempotent' in route);
    }
  });
});

describe('reference.openapi.json (what the reference backend serves)', () => {
  it('is the committed output of buildReferenceOpenApiDocument()', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../reference.openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(reference);
  });

  it('describes every route and method the reference backend serves', () => {
    const served = Object.entries({ ...REFERENCE_ROUTES, [CONTROL_PATH]: ['GET', 'PUT', 'DELETE'] }).flatMap(
      ([path, methods]) => methods.map((method) => `${method.toLowerCase()} ${path}`),
    );
    expect(
      operations(reference)
        .map((operation) => operation.key)
        .sort(),
    ).toEqual(served.sort());
  });
});

describe.each([
  ['openapi.json', contract],
  ['reference.openapi.json', reference],
])('%s', (_name, document) => {
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
