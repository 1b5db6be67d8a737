// Parses request paths into what they address, the way kube-apiserver's
// RequestInfoFactory does.

export type Route =
  | { type: 'resource'; group: string; version: string; namespace?: string; plural: string; name?: string; subresource?: string }
  | { type: 'discovery-root'; which: 'api' | 'apis' }
  | { type: 'discovery-group'; group: string }
  | { type: 'discovery-version'; group: string; version: string }
  | { type: 'version' }
  | { type: 'health'; check: 'readyz' | 'livez' | 'healthz' }
  | { type: 'openapi-v3'; gv?: string }
  | { type: 'openapi-v2' }
  | { type: 'metrics' }
  | { type: 'unknown' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { type: 'unknown' };
  const head = parts[0];
  if (head === 'version' && parts.length === 1) return { type: 'version' };
  if ((head === 'readyz' || head === 'livez' || head === 'healthz')) return { type: 'health', check: head };
  if (head === 'metrics' && parts.length === 1) return { type: 'metrics' };
  if (head === 'openapi') {
    if (parts[1] === 'v3') return { type: 'openapi-v3', gv: parts.length > 2 ? parts.slice(2).join('/') : undefined };
    if (parts[1] === 'v2') return { type: 'openapi-v2' };
    return { type: 'unknown' };
  }
  let group: string, version: string, rest: string[];
  if (head === 'api') {
    if (parts.length === 1) return { type: 'discovery-root', which: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (head === 'apis') {
    if (parts.length === 1) return { type: 'discovery-root', which: 'apis' };
    if (parts.length === 2) return { type: 'discovery-group', group: parts[1] };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: 'unknown' };
  }
  if (rest.length === 0) return { type: 'discovery-version', group, version };
  // namespaces/{ns}/{resource}/... is namespaced, except /namespaces/{name}[/status|/finalize].
  if (rest[0] === 'namespaces' && rest.length >= 3 && group === '' && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    const [, namespace, plural, name, subresource, ...extra] = rest;
    if (extra.length) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace, plural, name, subresource };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3 && group !== '') {
    const [, namespace, plural, name, subresource, ...extra] = rest;
    if (extra.length) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace, plural, name, subresource };
  }
  const [plural, name, subresource, ...extra] = rest;
  if (extra.length) return { type: 'unknown' };
  return { type: 'resource', group, version, plural, name, subresource };
}
