// The request entry point: authentication, routing and error mapping.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasValidBearerToken } from '../../util/bearer-auth.js';
import { Errors, StatusError } from '../../api/status.js';
import type { Store } from '../registry/store.js';
import { parseRoute } from './route.js';
import { sendJson, sendError } from './respond.js';
import { handleResource, notFoundResource } from './resource-handler.js';
import { negotiate, DISCOVERY_V2_CONTENT_TYPE, DISCOVERY_V2BETA1_CONTENT_TYPE } from './negotiate.js';
import { aggregatedDiscovery, legacyApiVersions, legacyGroupList, legacyGroup, resourceList } from './discovery.js';
import { openApiIndex, openApiDocument } from '../openapi.js';
import { serveOpenApiV2 } from '../openapi-v2/index.js';
import { versionInfo } from '../version.js';

export interface HandlerOptions {
  store: Store;
  tokens: Set<string>;
  serverAddress: string;
  ready: () => boolean;
}


export function createHandler(o: HandlerOptions) {
  const trace = process.env.KUBESVC_TRACE_REQUESTS === '1';
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (trace) res.on('finish', () => console.error(`kubesvc trace: ${new Date().toISOString()} ${req.method} ${req.url} ct=${req.headers['content-type'] ?? ''} accept=${req.headers.accept ?? ''} -> ${res.statusCode}`));
    try {
      const url = new URL(req.url ?? '/', 'https://kubesvc');
      const route = parseRoute(url.pathname);
      // Health and version are public, as on kube-apiserver (system:public-info-viewer).
      if (route.type === 'health') {
        const ok = route.check === 'livez' || o.ready();
        res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(ok ? 'ok' : `[-]storage failed: reason withheld\n${route.check} check failed`);
        return;
      }
      if (route.type === 'version') return sendJson(res, 200, versionInfo());
      if (!hasValidBearerToken(req, o.tokens)) throw Errors.unauthorized();
      switch (route.type) {
        case 'discovery-root': {
          const rep = negotiate(req.headers.accept, ['discovery-v2', 'discovery-v2beta1']);
          if (rep === 'discovery-v2') return sendJson(res, 200, aggregatedDiscovery(route.which, 'v2'), DISCOVERY_V2_CONTENT_TYPE);
          if (rep === 'discovery-v2beta1') return sendJson(res, 200, aggregatedDiscovery(route.which, 'v2beta1'), DISCOVERY_V2BETA1_CONTENT_TYPE);
          return sendJson(res, 200, route.which === 'api' ? legacyApiVersions(o.serverAddress) : legacyGroupList());
        }
        case 'discovery-group': {
          const g = legacyGroup(route.group);
          if (!g) throw notFoundResource();
          return sendJson(res, 200, g);
        }
        case 'discovery-version': {
          const l = resourceList(route.group, route.version);
          if (!l) throw notFoundResource();
          return sendJson(res, 200, l);
        }
        case 'openapi-v3': {
          if (!route.gv) return sendJson(res, 200, openApiIndex());
          const doc = openApiDocument(route.gv);
          if (!doc) throw notFoundResource();
          return sendJson(res, 200, doc);
        }
        case 'openapi-v2':
          // Protobuf (what kubectl asks for) or JSON when named in Accept; anything else stays 404.
          if (serveOpenApiV2(req, res)) return;
          throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
        case 'resource':
          return await handleResource({ req, res, url, store: o.store }, route);
        default:
          throw notFoundResource();
      }
    } catch (e) {
      sendError(res, e);
    }
  };
}
