// Service validation, table-driven: each rule with a valid and an invalid case,
// asserting the exact `path: message` lines Kubernetes prints in a 422.
// Address plan: service CIDR 10.96.0.0/12, NodePorts 30000-32767.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { fieldErrorMessage } from '../../src/api/status.js';
import type { FieldError } from '../../src/api/status.js';
import { defaultService, normalizeClusterIPs } from '../../src/api/defaults/service.js';
import { validateService, validateServiceName, validateServiceStatus, validateServiceUpdate } from '../../src/api/validation/service.js';

const opts = { serviceCIDR: '10.96.0.0/12', nodePortRange: { base: 30000, size: 2768 } };
const lines = (errs: FieldError[]) => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

/** A stored-looking ClusterIP Service; `spec` overrides its fields (undefined deletes one). */
function make(spec: Record<string, unknown>, { raw = false, annotations }: { raw?: boolean; annotations?: Record<string, string> } = {}): KubeObject {
  const base: Record<string, unknown> = { selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.96.1.5', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' };
  if (raw) base.ports = [{ port: 80, protocol: 'TCP', targetPort: 80 }];
  const s: Record<string, unknown> = { ...base, ...spec };
  for (const k of Object.keys(s)) if (s[k] === undefined) delete s[k];
  if (['ExternalName'].includes(s.type as string)) for (const k of ['clusterIP', 'ipFamilies', 'ipFamilyPolicy']) if (!(k in spec)) delete s[k];
  if (s.clusterIP === 'None' && !('ipFamilies' in spec)) delete s.ipFamilies;
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: s };
  if (!raw) defaultService(svc);
  normalizeClusterIPs(svc);
  return svc;
}

const LABEL_1123 = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LVALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

type Case = { name: string; svc: KubeObject; want: string[] };
const cases: Case[] = [
  // ports required
  { name: 'ports: one port is enough', svc: make({}), want: [] },
  { name: 'ports: required for ClusterIP', svc: make({ ports: [] }), want: ['spec.ports: Required value'] },
  { name: 'ports: not required for headless', svc: make({ clusterIP: 'None', ports: [] }), want: [] },
  { name: 'ports: not required for ExternalName', svc: make({ type: 'ExternalName', externalName: 'db.example.com', ports: undefined, selector: undefined }), want: [] },
  // port number
  { name: 'port: 65535 ok', svc: make({ ports: [{ port: 65535 }] }), want: [] },
  { name: 'port: 70000 out of range (and the defaulted targetPort with it)', svc: make({ ports: [{ port: 70000 }] }),
    want: [`spec.ports[0].port: Invalid value: 70000: ${PORT_RANGE}`, `spec.ports[0].targetPort: Invalid value: 70000: ${PORT_RANGE}`] },
  { name: 'port: missing port names the field', svc: make({ ports: [{ targetPort: 8080 }] }), want: ['spec.ports[0].port: Required value'] },
  { name: 'port: missing port and targetPort: one error', svc: make({ ports: [{ protocol: 'TCP' }] }), want: ['spec.ports[0].port: Required value'] },
  { name: 'targetPort: unset is 0 (undefaulted)', svc: make({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP' }] }, { raw: true }),
    want: [`spec.ports[0].targetPort: Invalid value: 0: ${PORT_RANGE}`] },
  { name: 'protocol: required (undefaulted)', svc: make({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, targetPort: 80 }] }, { raw: true }),
    want: ['spec.ports[0].protocol: Required value'] },
  { name: 'port: a string is not a number', svc: make({ ports: [{ port: '80', targetPort: 80 }] }), want: ['spec.ports[0].port: Invalid value: "80": must be an integer'] },
  // protocol
  { name: 'protocol: SCTP ok', svc: make({ ports: [{ port: 80, protocol: 'SCTP' }] }), want: [] },
  { name: 'protocol: HTTP unsupported', svc: make({ ports: [{ port: 80, protocol: 'HTTP' }] }),
    want: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
  // names
  { name: 'names: two named ports ok', svc: make({ ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }), want: [] },
  { name: 'names: required when more than one port', svc: make({ ports: [{ name: 'http', port: 80 }, { port: 443 }] }), want: ['spec.ports[1].name: Required value'] },
  { name: 'names: unique', svc: make({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 443 }] }), want: ['spec.ports[1].name: Duplicate value: "http"'] },
  { name: 'names: DNS-1123 label', svc: make({ ports: [{ name: 'HTTP', port: 80 }] }), want: [`spec.ports[0].name: Invalid value: "HTTP": ${LABEL_1123}`] },
  // targetPort
  { name: 'targetPort: IANA name ok', svc: make({ ports: [{ port: 80, targetPort: 'http-web' }] }), want: [] },
  { name: 'targetPort: name too long', svc: make({ ports: [{ port: 80, targetPort: 'http-web-server-1' }] }),
    want: ['spec.ports[0].targetPort: Invalid value: "http-web-server-1": must be no more than 15 characters'] },
  { name: 'targetPort: consecutive hyphens', svc: make({ ports: [{ port: 80, targetPort: 'a--b' }] }),
    want: ['spec.ports[0].targetPort: Invalid value: "a--b": must not contain consecutive hyphens'] },
  { name: 'targetPort: a name needs a letter', svc: make({ ports: [{ port: 80, targetPort: '8080' }] }),
    want: ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'] },
  { name: 'targetPort: number out of range', svc: make({ ports: [{ port: 80, targetPort: 70000 }] }), want: [`spec.ports[0].targetPort: Invalid value: 70000: ${PORT_RANGE}`] },
  // appProtocol
  { name: 'appProtocol: qualified name ok', svc: make({ ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }] }), want: [] },
  { name: 'appProtocol: invalid', svc: make({ ports: [{ port: 80, appProtocol: 'h2c!' }] }), want: [`spec.ports[0].appProtocol: Invalid value: "h2c!": ${QNAME}`] },
  // duplicate port/protocol
  { name: 'duplicates: same port, different protocols ok', svc: make({ ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }), want: [] },
  { name: 'duplicates: same port and protocol', svc: make({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, targetPort: 8080 }] }),
    want: ['spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'] },
  // nodePort
  { name: 'nodePort: NodePort within range ok', svc: make({ type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] }), want: [] },
  { name: 'nodePort: forbidden for ClusterIP', svc: make({ ports: [{ port: 80, nodePort: 30007 }] }),
    want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  { name: 'nodePort: outside the range', svc: make({ type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }),
    want: ['spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767'] },
  { name: 'nodePort: duplicate within the Service', svc: make({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30007 }, { name: 'b', port: 81, nodePort: 30007 }] }),
    want: ['spec.ports[1].nodePort: Duplicate value: 30007'] },
  { name: 'nodePort: same value for TCP and UDP ok', svc: make({ type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 'b', port: 53, nodePort: 30053 }] }), want: [] },
  // clusterIP
  { name: 'clusterIP: invalid IP', svc: make({ clusterIP: '10.96.1.500' }),
    want: ['spec.clusterIPs[0]: Invalid value: "10.96.1.500": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { name: 'clusterIP: outside the service CIDR', svc: make({ clusterIP: '10.0.0.5' }),
    want: ['spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12'] },
  { name: 'clusterIP: the broadcast address is not usable', svc: make({ clusterIP: '10.111.255.255' }),
    want: ['spec.clusterIPs: Invalid value: ["10.111.255.255"]: failed to allocate IP 10.111.255.255: the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12'] },
  { name: 'clusterIP: None for NodePort', svc: make({ type: 'NodePort', clusterIP: 'None' }), want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"] },
  { name: 'clusterIP: None for LoadBalancer', svc: make({ type: 'LoadBalancer', clusterIP: 'None' }), want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"] },
  { name: 'clusterIPs: must match clusterIP', svc: make({ clusterIP: '10.96.1.5', clusterIPs: ['10.96.1.6'] }),
    want: ['spec.clusterIPs: Invalid value: ["10.96.1.6"]: first value must match `clusterIP`'] },
  { name: 'clusterIPs: without clusterIP', svc: make({ clusterIP: undefined, clusterIPs: ['10.96.1.6'] }),
    want: ['spec.clusterIPs: Invalid value: ["10.96.1.6"]: must be empty when `clusterIP` is not specified'] },
  { name: 'clusterIPs: None first and only', svc: make({ clusterIP: 'None', clusterIPs: ['None', '10.96.1.6'] }),
    want: ['spec.clusterIPs: Invalid value: ["None","10.96.1.6"]: \'None\' must be the first and only value'] },
  { name: 'clusterIPs: one per family', svc: make({ clusterIP: '10.96.1.5', clusterIPs: ['10.96.1.5', '10.96.1.6'], ipFamilyPolicy: 'PreferDualStack' }),
    want: ['spec.clusterIPs: Invalid value: ["10.96.1.5","10.96.1.6"]: may specify no more than one IP for each IP family'] },
  { name: 'ipFamilies: unsupported', svc: make({ ipFamilies: ['IPv5'] }), want: ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'] },
  { name: 'ipFamilyPolicy: unsupported', svc: make({ ipFamilyPolicy: 'Dual' }),
    want: ['spec.ipFamilyPolicy: Unsupported value: "Dual": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"'] },
  // ExternalName
  { name: 'externalName: FQDN with trailing dot ok', svc: make({ type: 'ExternalName', externalName: 'db.example.com.' }), want: [] },
  { name: 'externalName: required', svc: make({ type: 'ExternalName' }), want: ['spec.externalName: Required value'] },
  { name: 'externalName: DNS-1123 subdomain', svc: make({ type: 'ExternalName', externalName: 'db_example.com' }), want: [`spec.externalName: Invalid value: "db_example.com": ${SUBDOMAIN}`] },
  { name: 'externalName: clusterIP forbidden', svc: make({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.1.5' }),
    want: ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'] },
  { name: 'externalName: ipFamilies / ipFamilyPolicy forbidden', svc: make({ type: 'ExternalName', externalName: 'db.example.com', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }),
    want: ['spec.ipFamilies: Forbidden: may not be set for ExternalName services', 'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services'] },
  // sessionAffinity
  { name: 'sessionAffinity: ClientIP 86400 ok', svc: make({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }), want: [] },
  { name: 'sessionAffinity: unsupported', svc: make({ sessionAffinity: 'Sticky' }), want: ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'] },
  { name: 'sessionAffinity: timeout above a day', svc: make({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'] },
  { name: 'sessionAffinity: timeout 0', svc: make({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400'] },
  { name: 'sessionAffinity: required (undefaulted)', svc: make({ internalTrafficPolicy: 'Cluster', type: 'ClusterIP' }, { raw: true }), want: ['spec.sessionAffinity: Required value'] },
  { name: 'sessionAffinity: None forbids a config (undefaulted)', svc: make({ type: 'ClusterIP', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', sessionAffinityConfig: {} }, { raw: true }),
    want: ['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None'] },
  { name: 'sessionAffinity: ClientIP needs timeoutSeconds (undefaulted)', svc: make({ type: 'ClusterIP', internalTrafficPolicy: 'Cluster', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: {} } }, { raw: true }),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value: when session affinity type is ClientIP'] },
  // type
  { name: 'type: unsupported', svc: make({ type: 'Internal' }), want: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
  { name: 'type: required (undefaulted)', svc: make({ sessionAffinity: 'None' }, { raw: true }), want: ['spec.type: Required value'] },
  // externalTrafficPolicy
  { name: 'externalTrafficPolicy: Local for NodePort ok', svc: make({ type: 'NodePort', externalTrafficPolicy: 'Local' }), want: [] },
  { name: 'externalTrafficPolicy: ClusterIP with externalIPs ok', svc: make({ externalIPs: ['192.0.2.10'], externalTrafficPolicy: 'Local' }), want: [] },
  { name: 'externalTrafficPolicy: only for externally-accessible services', svc: make({ externalTrafficPolicy: 'Local' }),
    want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'] },
  { name: 'externalTrafficPolicy: unsupported', svc: make({ type: 'NodePort', externalTrafficPolicy: 'Global' }),
    want: ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'] },
  // healthCheckNodePort
  { name: 'healthCheckNodePort: LoadBalancer Local ok', svc: make({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }), want: [] },
  { name: 'healthCheckNodePort: not for NodePort', svc: make({ type: 'NodePort', healthCheckNodePort: 31000 }),
    want: ["spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"] },
  { name: 'healthCheckNodePort: required for LoadBalancer Local', svc: make({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }), want: ['spec.healthCheckNodePort: Required value'] },
  { name: 'healthCheckNodePort: a port number', svc: make({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 70000 }),
    want: [`spec.healthCheckNodePort: Invalid value: 70000: ${PORT_RANGE}`] },
  // internalTrafficPolicy
  { name: 'internalTrafficPolicy: Local ok', svc: make({ internalTrafficPolicy: 'Local' }), want: [] },
  { name: 'internalTrafficPolicy: unsupported', svc: make({ internalTrafficPolicy: 'Node' }), want: ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'] },
  { name: 'internalTrafficPolicy: required (undefaulted)', svc: make({ type: 'ClusterIP', sessionAffinity: 'None' }, { raw: true }), want: ['spec.internalTrafficPolicy: Required value'] },
  // trafficDistribution
  { name: 'trafficDistribution: PreferClose ok', svc: make({ trafficDistribution: 'PreferClose' }), want: [] },
  { name: 'trafficDistribution: unsupported', svc: make({ trafficDistribution: 'Nearest' }), want: ['spec.trafficDistribution: Unsupported value: "Nearest": supported values: "PreferClose"'] },
  // LoadBalancer-only fields
  { name: 'loadBalancerSourceRanges: valid CIDRs (space padded) ok', svc: make({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', ' 192.168.0.0/16 '] }), want: [] },
  { name: 'loadBalancerSourceRanges: invalid CIDR', svc: make({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0.0'] }),
    want: ['spec.loadBalancerSourceRanges[1]: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'] },
  { name: 'loadBalancerSourceRanges: only for LoadBalancer', svc: make({ loadBalancerSourceRanges: ['10.0.0.0/8'] }),
    want: ["spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"] },
  { name: 'loadBalancerSourceRanges annotation: invalid CIDR', svc: make({ type: 'LoadBalancer' }, { annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, nope' } }),
    want: ['metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'] },
  { name: 'allocateLoadBalancerNodePorts: only for LoadBalancer', svc: make({ allocateLoadBalancerNodePorts: false }),
    want: ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"] },
  { name: 'loadBalancerClass: LoadBalancer ok', svc: make({ type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' }), want: [] },
  { name: 'loadBalancerClass: only for LoadBalancer', svc: make({ loadBalancerClass: 'example.com/lb' }),
    want: ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"] },
  // externalIPs
  { name: 'externalIPs: ordinary address ok', svc: make({ externalIPs: ['192.0.2.10'] }), want: [] },
  { name: 'externalIPs: not an IP', svc: make({ externalIPs: ['192.0.2'] }), want: ['spec.externalIPs[0]: Invalid value: "192.0.2": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { name: 'externalIPs: special ranges', svc: make({ externalIPs: ['0.0.0.0', '127.0.0.1', '169.254.1.1', '224.0.0.5', '::1', 'fe80::1'] }),
    want: [
      'spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      'spec.externalIPs[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[2]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'spec.externalIPs[3]: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
      'spec.externalIPs[4]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[5]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    ] },
  // selector
  { name: 'selector: prefixed keys ok', svc: make({ selector: { 'app.kubernetes.io/name': 'web', tier: '' } }), want: [] },
  { name: 'selector: invalid key', svc: make({ selector: { 'my app': 'web' } }), want: [`spec.selector: Invalid value: "my app": ${QNAME}`] },
  { name: 'selector: invalid value', svc: make({ selector: { app: 'web server' } }), want: [`spec.selector: Invalid value: "web server": ${LVALUE}`] },
  { name: 'selector: matchLabels gets the fix', svc: make({ selector: { matchLabels: { app: 'web' } } }),
    want: ['spec.selector: Invalid value: {"matchLabels":{"app":"web"}}: a Service selector is a plain map of label keys to values, not a label selector; write "selector: {app: web}" instead of "selector: {matchLabels: {app: web}}"'] },
  { name: 'selector: matchExpressions In with one value is translated', svc: make({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }),
    want: ['spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]}: a Service selector is a plain map of label keys to values, not a label selector; write "selector: {app: web}" instead of "selector: a label selector"'] },
  { name: 'selector: matchExpressions that cannot be a map', svc: make({ selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }),
    want: ['spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Exists"}]}: a Service selector is a plain map of label keys to values, not a label selector; Services cannot use matchExpressions: list the exact labels to match, e.g. "selector: {app: web}"'] },
  { name: 'selector: a non-string value', svc: make({ selector: { app: { name: 'web' } } }),
    want: ['spec.selector: Invalid value: {"app":{"name":"web"}}: a Service selector is a plain map of label keys to values, not a label selector; the value of "app" must be a string, e.g. "selector: {app: web}"'] },
  { name: 'selector: a string', svc: make({ selector: 'app=web' }),
    want: ['spec.selector: Invalid value: "app=web": a Service selector is a plain map of label keys to values, not a label selector; write it as "selector: {app: web}"'] },
  // annotations Kubernetes checks on Services
  { name: 'topology annotations must agree', svc: make({}, { annotations: { 'service.kubernetes.io/topology-mode': 'Auto', 'service.kubernetes.io/topology-aware-hints': 'auto' } }),
    want: ['metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'] },
];

for (const c of cases) test(`validateService: ${c.name}`, () => assert.deepEqual(lines(validateService(c.svc, opts)), c.want));

test('validateServiceName: DNS-1035 label', () => {
  assert.deepEqual(validateServiceName('my-svc'), []);
  assert.deepEqual(validateServiceName('1-svc'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(validateServiceName('a'.repeat(64)).slice(0, 1), ['must be no more than 63 characters']);
});

const upd: { name: string; old: KubeObject; next: KubeObject; want: string[] }[] = [
  { name: 'unchanged ok', old: make({}), next: make({}), want: [] },
  { name: 'clusterIP immutable', old: make({}), next: make({ clusterIP: '10.96.1.6' }), want: ['spec.clusterIPs[0]: Invalid value: ["10.96.1.6"]: may not change once set'] },
  { name: 'primary clusterIP cannot be unset', old: make({}), next: make({ clusterIP: undefined }), want: ['spec.clusterIPs[0]: Invalid value: []: primary clusterIP can not be unset'] },
  { name: 'to ExternalName may drop the IP', old: make({}), next: make({ type: 'ExternalName', externalName: 'db.example.com' }), want: [] },
  { name: 'from ExternalName may gain an IP', old: make({ type: 'ExternalName', externalName: 'db.example.com' }), next: make({}), want: [] },
  { name: 'headless may not gain an IP', old: make({ clusterIP: 'None' }), next: make({}), want: ['spec.clusterIPs[0]: Invalid value: ["10.96.1.5"]: may not change once set'] },
  { name: 'ipFamilies immutable', old: make({}), next: make({ ipFamilies: ['IPv6'] }),
    want: ['spec.ipFamilies[0]: Invalid value: ["IPv6"]: may not change once set', 'spec.clusterIPs[0]: Invalid value: "10.96.1.5": expected an IPv6 value as indicated by `ipFamilies[0]`'] },
  { name: 'healthCheckNodePort immutable', old: make({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 }),
    next: make({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31001 }), want: ['spec.healthCheckNodePort: Forbidden: field is immutable'] },
  { name: 'loadBalancerClass immutable', old: make({ type: 'LoadBalancer', loadBalancerClass: 'a.io/x' }), next: make({ type: 'LoadBalancer', loadBalancerClass: 'a.io/y' }),
    want: ['spec.loadBalancerClass: Invalid value: "a.io/y": may not change once set'] },
  { name: 'and the new object is validated', old: make({}), next: make({ ports: [] }), want: ['spec.ports: Required value'] },
];
for (const c of upd) test(`validateServiceUpdate: ${c.name}`, () => assert.deepEqual(lines(validateServiceUpdate(c.next, c.old, opts)), c.want));

const withStatus = (spec: Record<string, unknown>, ingress: unknown[]): KubeObject => ({ ...make(spec), status: { loadBalancer: { ingress } } });
const st: { name: string; svc: KubeObject; want: string[] }[] = [
  { name: 'LoadBalancer ingress ok', svc: withStatus({ type: 'LoadBalancer' }, [{ ip: '172.30.0.200', ipMode: 'VIP' }, { hostname: 'lb.example.com' }]), want: [] },
  { name: 'ingress only for LoadBalancer', svc: withStatus({}, [{ ip: '172.30.0.200', ipMode: 'VIP' }]), want: ["status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"] },
  { name: 'ingress ip valid', svc: withStatus({ type: 'LoadBalancer' }, [{ ip: '300.1.1.1', ipMode: 'VIP' }]),
    want: ['status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { name: 'ipMode required with ip', svc: withStatus({ type: 'LoadBalancer' }, [{ ip: '172.30.0.200' }]), want: ['status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set'] },
  { name: 'ipMode unsupported', svc: withStatus({ type: 'LoadBalancer' }, [{ ip: '172.30.0.200', ipMode: 'Direct' }]),
    want: ['status.loadBalancer.ingress[0].ipMode: Unsupported value: "Direct": supported values: "Proxy", "VIP"'] },
  { name: 'hostname is not an IP', svc: withStatus({ type: 'LoadBalancer' }, [{ hostname: '172.30.0.200' }]),
    want: ['status.loadBalancer.ingress[0].hostname: Invalid value: "172.30.0.200": must be a DNS name, not an IP address'] },
];
for (const c of st) test(`validateServiceStatus: ${c.name}`, () => assert.deepEqual(lines(validateServiceStatus(c.svc)), c.want));
