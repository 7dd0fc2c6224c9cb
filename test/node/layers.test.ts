/**
 * The tree is the architecture (docs/architecture.md): each folder of src/ is a layer that imports only the layers
 * below it, and a file at src/ root is a published entry and nothing else. Every import counts: static, dynamic,
 * type-only and re-exports, in every file a folder has now or gains later.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

const root = new URL('../../', import.meta.url).pathname;
const source = join(root, 'src');

/** What each layer may import besides itself: the arrows of docs/architecture.md, nothing else. */
const LAYERS: Record<string, readonly string[]> = {
  contract: [],
  options: ['contract'],
  i18n: ['contract'],
  styles: [],
  backend: ['contract', 'options'],
  headless: ['contract', 'options', 'backend'],
  elements: ['contract', 'options', 'i18n', 'styles', 'backend', 'headless'],
  ssr: ['contract', 'options', 'i18n', 'backend', 'headless', 'elements'],
  server: ['contract', 'options'],
  // The in-browser reference backend is an HttpBackend whose fetch is the reference server.
  reference: ['contract', 'options', 'backend', 'server'],
  // The standalone service (`npx ipos-credential-elements serve`) runs the server kit behind node:http.
  service: ['contract', 'options', 'server'],
};
/** A file at src/ root: a published entry, which may import every layer. */
const ENTRY = '(entry)';

interface Arrow {
  from: string;
  to: string;
}

/** Every module of src/, as a path from src/. */
function modules(): string[] {
  return readdirSync(source, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => file.split('\\').join('/'));
}

/** Every relative import of a module (`import … from`, `export … from`, `import '…'`, `import('…')`), resolved. */
function importsOf(file: string): Arrow[] {
  const text = readFileSync(join(source, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)].map(([, specifier]) => ({
    from: file,
    to: normalize(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
      .split('\\')
      .join('/'),
  }));
}

const layerOf = (file: string) => (file.includes('/') ? file.split('/')[0] : ENTRY);
const allArrows = () => modules().flatMap(importsOf);
const show = ({ from, to }: Arrow) => `${from} → ${to}`;

/** The arrows that break `allowed(fromLayer, toLayer)`. */
function arrowsAgainst(arrows: Arrow[], allowed: (from: string, to: string) => boolean): string[] {
  return arrows.filter(({ from, to }) => !allowed(layerOf(from), layerOf(to))).map(show);
}

const layered = (from: string, to: string) => from === to || from === ENTRY || (LAYERS[from]?.includes(to) ?? false);

describe('layers', () => {
  it('every folder of src/ is a layer of the table, and every import stays inside the arrows', () => {
    const folders = new Set(modules().map(layerOf));
    folders.delete(ENTRY);
    expect([...folders].sort()).toEqual(Object.keys(LAYERS).sort());
    expect(arrowsAgainst(allArrows(), layered)).toEqual([]);
  });

  it('the check fails on an import from a lower layer to a higher one', () => {
    const upward = [
      { from: 'contract/roles.ts', to: 'options/ranges.ts' },
      { from: 'backend/http-backend.ts', to: 'headless/keys-session.ts' },
      { from: 'headless/keys-session.ts', to: 'elements/events.ts' },
      { from: 'server/operations.ts', to: 'backend/http-backend.ts' },
      { from: 'server/operations.ts', to: 'reference/accounts.ts' },
      { from: 'elements/key-panel/ipos-key-panel.ts', to: 'define.ts' },
    ];
    expect(arrowsAgainst(upward, layered)).toEqual(upward.map(show));
  });

  it('a file at src/ root is a published entry (a target of package.json exports) and nothing else', () => {
    const rootFiles = modules().filter((file) => layerOf(file) === ENTRY);
    const published = Object.values(packageJson.exports)
      .map((target) => (typeof target === 'string' ? target : target.types))
      .map((types) => /^\.\/dist\/([^/]+)\.d\.ts$/.exec(types)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(rootFiles.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(published.sort());
  });
});

describe('inside elements/', () => {
  const arrows = () => allArrows().filter(({ from, to }) => layerOf(from) === 'elements' && layerOf(to) === 'elements');
  /** `internal`, `events.ts`, a tag's folder (`key-panel`) … */
  const part = (file: string) => file.split('/')[1];

  it('internal/ and the shared wiring (events, context) import no element', () => {
    const shared = (file: string) => part(file) === 'internal' || ['events.ts', 'context.ts'].includes(part(file));
    const intoElements = arrows().filter(({ from, to }) => shared(from) && !shared(to));
    expect(intoElements.map(show)).toEqual([]);
  });

  it('an element imports no other element, except the provider, which composes the panels', () => {
    const isTag = (file: string) => file.split('/').length > 2 && part(file) !== 'internal';
    const across = arrows().filter(
      ({ from, to }) => isTag(from) && isTag(to) && part(from) !== part(to) && part(from) !== 'credentials',
    );
    expect(across.map(show)).toEqual([]);
  });
});
