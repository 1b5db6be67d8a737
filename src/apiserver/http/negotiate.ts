// Content negotiation for the representations kubectl and client-go ask for.

export type Representation = 'json' | 'table' | 'partial-metadata' | 'discovery-v2' | 'discovery-v2beta1';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
export const DISCOVERY_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const DISCOVERY_V2BETA1_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

interface MediaRange { type: string; params: Record<string, string> }

function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...ps] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** The first representation in the client's Accept order that this server produces. */
export function negotiate(accept: string | undefined, allowed: Representation[]): Representation {
  for (const m of parseAccept(accept)) {
    const { as, g, v } = m.params;
    if (m.type !== 'application/json' && m.type !== '*/*' && m.type !== 'application/*') continue;
    if (!as) return 'json';
    if (as === 'Table' && g === 'meta.k8s.io' && v === 'v1' && allowed.includes('table')) return 'table';
    if (as === 'PartialObjectMetadata' && g === 'meta.k8s.io' && v === 'v1' && allowed.includes('partial-metadata')) return 'partial-metadata';
    if (as === 'PartialObjectMetadataList' && g === 'meta.k8s.io' && v === 'v1' && allowed.includes('partial-metadata')) return 'partial-metadata';
    if (as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io') {
      if (v === 'v2' && allowed.includes('discovery-v2')) return 'discovery-v2';
      if (v === 'v2beta1' && allowed.includes('discovery-v2beta1')) return 'discovery-v2beta1';
    }
  }
  return 'json';
}
