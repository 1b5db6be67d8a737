// Discovery documents, aggregated (apidiscovery.k8s.io/v2) and legacy, built from the resource table.
import { resources as stored, VERBS_ALL, type ResourceDef } from '../resources.js';
import { REVIEW_VERBS, reviewResources } from '../reviews.js';

// Stored resources and the create-only reviews (kubectl auth) alike.
const resources: ResourceDef[] = [...stored, ...reviewResources];
const reviews = new Set(reviewResources);

function verbsOf(r: ResourceDef): string[] {
  return reviews.has(r) ? REVIEW_VERBS : VERBS_ALL;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

function aggregatedResource(r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: verbsOf(r),
  };
  if (r.shortNames.length) out.shortNames = r.shortNames;
  if (r.categories.length) out.categories = r.categories;
  if (r.subresources.length) {
    out.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return out;
}

function groupsFor(which: 'api' | 'apis'): string[] {
  const gs = [...new Set(groupVersions().map((gv) => gv.group))];
  return which === 'api' ? gs.filter((g) => g === '') : gs.filter((g) => g !== '');
}

export function aggregatedDiscovery(which: 'api' | 'apis', version: 'v2' | 'v2beta1'): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groupsFor(which).map((g) => ({
      metadata: g ? { name: g } : {},
      versions: groupVersions().filter((gv) => gv.group === g).map((gv) => ({
        version: gv.version,
        resources: resources.filter((r) => r.group === g && r.version === gv.version).map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

export function legacyApiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(g: string): Record<string, unknown> {
  const versions = groupVersions().filter((gv) => gv.group === g).map((gv) => ({ groupVersion: `${g}/${gv.version}`, version: gv.version }));
  return { name: g, versions, preferredVersion: versions[0] };
}

export function legacyGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsFor('apis').map(apiGroup) };
}

export function legacyGroup(group: string): unknown | undefined {
  if (!groupsFor('apis').includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

export function resourceList(group: string, version: string): unknown | undefined {
  const rs = resources.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of rs) {
    const e: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: verbsOf(r) };
    if (r.shortNames.length) e.shortNames = r.shortNames;
    if (r.categories.length) e.categories = r.categories;
    out.push(e);
    for (const s of r.subresources) {
      const se: Record<string, unknown> = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group) { se.group = s.group; se.version = s.version; }
      out.push(se);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
}
