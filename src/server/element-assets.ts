/**
 * The elements' script for the portal's own pages: the package's CDN build (`dist/cdn/`) served under a path of the
 * host's, as a Fetch-API handler that the Node adapters (`nodeListener`, `nodeMiddleware` for Express) mount beside
 * the credentials server. The entry module keeps its name from release to release, so it is revalidated
 * (`no-cache` and an `ETag`); the chunks and catalogues it loads on demand carry a content hash in their names, so
 * they are cached for a year as `immutable`. Guide: docs/server.md.
 */
import { Problem, toResponse } from './answer.js';

export interface ElementAssetsOptions {
  /** Where the files are served; default `/ipos-elements` (the page loads `/ipos-elements/ipos-credential-elements.js`). */
  basePath?: string;
  /** The folder of the CDN build; default this package's own `dist/cdn/`. */
  directory?: string | URL;
}

/** The module a page loads: it registers the elements and loads the rest from beside itself. */
export const ELEMENTS_ENTRY = 'ipos-credential-elements.js';
/** What the entry loads on demand: named by their content's hash at build time, so a name never changes meaning. */
const HASHED_FILE = /^(?:chunks|locales)\/[\w-]+\.js$/;
const DEFAULT_ASSETS_PATH = '/ipos-elements';
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** A handler answering `GET`/`HEAD` of the CDN build's files under `basePath`, and nothing else. */
export interface ElementAssets {
  readonly basePath: string;
  readonly maxBodyBytes: number;
  handle(request: Request): Promise<Response>;
}

export function elementAssets(options: ElementAssetsOptions = {}): ElementAssets {
  const basePath = options.basePath ?? DEFAULT_ASSETS_PATH;
  if (typeof basePath !== 'string' || !/^\/[\w.~/-]*[\w.~-]$/.test(basePath) || basePath.includes('//')) {
    throw new Error(
      `basePath: a path that starts with / and does not end with one, such as '${DEFAULT_ASSETS_PATH}'; got ${JSON.stringify(basePath)}.`,
    );
  }
  // Through a variable: a bundler (Vite's library build of this package too) would inline a literal `new URL('…',
  // import.meta.url)` as an asset, and the folder is not one.
  const here = import.meta.url;
  const directory = options.directory ?? new URL('../cdn/', here);
  // The package's files do not change while the process runs: each is read once.
  const assets = new Map<string, Promise<Asset | null>>();
  const load = (name: string) => {
    let asset = assets.get(name);
    if (!asset) assets.set(name, (asset = readAsset(directory, name)));
    return asset;
  };

  return {
    basePath,
    maxBodyBytes: 0,
    async handle(request) {
      const { pathname } = new URL(request.url);
      const name = pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length + 1) : '';
      const hashed = HASHED_FILE.test(name);
      const asset = name === ELEMENTS_ENTRY || hashed ? await load(name) : null;
      if (!asset) return toResponse(new Problem(404, 'NOT_FOUND', `No file ${pathname}.`).toAnswer());
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const refusal = new Problem(405, 'METHOD_NOT_ALLOWED', `${pathname} accepts GET, HEAD.`, {
          Allow: 'GET, HEAD',
        });
        return toResponse(refusal.toAnswer());
      }
      const headers = {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': hashed ? IMMUTABLE : 'no-cache',
        ETag: asset.etag,
        'X-Content-Type-Options': 'nosniff',
      };
      if (request.headers.get('If-None-Match') === asset.etag) return new Response(null, { status: 304, headers });
      return new Response(request.method === 'HEAD' ? null : asset.bytes, { status: 200, headers });
    },
  };
}

async function readAsset(directory: string | URL, name: string): Promise<Asset | null> {
  // Node's own modules, loaded only when a file is asked for: the rest of the server kit runs on any runtime.
  const [{ readFile }, { createHash }, { pathToFileURL }] = await Promise.all([
    import('node:fs/promises'),
    import('node:crypto'),
    import('node:url'),
  ]);
  const folder = directory instanceof URL ? directory : pathToFileURL(`${directory.replace(/\/?$/, '/')}`);
  try {
    const bytes = new Uint8Array(await readFile(new URL(name, folder)));
    return { bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
