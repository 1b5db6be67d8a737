// Defaults for a PodSpec wherever it appears (pods and pod templates), after
// pkg/apis/core/v1/defaults.go and the declarative defaults of k8s.io/api/core/v1.
// Fields Go always serialises (e.g. `resources: {}`) are filled in so objects read
// back the way a real API server returns them.

 
type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** The tag parsers.ParseImageName finds: "latest" when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  if (colon >= 0) return lastPart.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHandler(h: unknown): void {
  if (!isObj(h) || !isObj(h.httpGet)) return;
  h.httpGet.path ||= '/';
  h.httpGet.scheme ||= 'HTTP';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  defaultHandler(p);
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
}

export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.resources ??= {};
  for (const p of list(c.ports)) p.protocol ||= 'TCP';
  for (const e of list(c.env)) if (isObj(e.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

const volumeModeSources = ['secret', 'configMap', 'downwardAPI', 'projected'];

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] != null);
  if (sources.length === 0) v.emptyDir = {};
  for (const s of volumeModeSources) if (isObj(v[s])) v[s].defaultMode ??= 420;
  if (isObj(v.hostPath)) v.hostPath.type ??= '';
  for (const item of list(v.downwardAPI?.items)) if (isObj(item.fieldRef)) item.fieldRef.apiVersion ||= 'v1';
  for (const src of list(v.projected?.sources)) if (isObj(src.serviceAccountToken)) src.serviceAccountToken.expirationSeconds ??= 3600;
}

/** SetDefaults_PodSpec and the per-field defaults below it. */
export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const c of [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)]) defaultContainer(c);
  for (const v of list(spec.volumes)) defaultVolume(v);
}

export function defaultPodTemplate(tpl: unknown): void {
  if (!isObj(tpl)) return;
  tpl.metadata ??= {};
  if (isObj(tpl.spec)) defaultPodSpec(tpl.spec);
}
