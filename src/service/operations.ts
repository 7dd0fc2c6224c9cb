/** Which operation a request is, by method and path: the label of its metrics and its log line. */
import { OPERATION_IDS, ROUTES, type OperationId } from '../contract/routes.js';
import { AUTHENTICATE_TOKEN_PATH, JWKS_PATH } from '../server/index.js';

export type OperationName = OperationId | 'authenticateToken' | 'jwks' | 'preflight' | 'other';

export function operationNamer(basePath: string): (method: string, pathname: string) => OperationName {
  const byRoute = new Map<string, OperationName>(
    OPERATION_IDS.map((id: OperationId) => [`${ROUTES[id].method} ${ROUTES[id].path}`, id]),
  );
  byRoute.set(`POST ${AUTHENTICATE_TOKEN_PATH}`, 'authenticateToken');
  byRoute.set(`GET ${JWKS_PATH}`, 'jwks');
  return (method, pathname) => {
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return 'other';
    const path = pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
    if (method === 'OPTIONS') return 'preflight';
    return byRoute.get(`${method} ${path}`) ?? 'other';
  };
}
