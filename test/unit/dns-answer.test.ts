// The answer function against the Kubernetes DNS specification 1.1.0 and CoreDNS's
// kubernetes plugin, one question per row, records written as zone-file text.
//
// Address plan: zone cluster.local; ClusterIPs 10.96.0.0/12 (kube-dns 10.96.0.10),
// fd00:10:96::/112; pods 10.244.0.0/16. Namespaces: ns1 (the fixtures), default,
// kube-system, empty-ns (exists, holds nothing).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answer, defaultConfig, type DnsConfig } from '../../src/dns/answer.js';
import { RecordIndex } from '../../src/dns/kubernetes/index.js';
import { toServiceInfo, toSliceInfo, toPodInfo } from '../../src/dns/kubernetes/object.js';
import { rrText } from '../../src/dns/rr.js';

function svc(name: string, spec: Record<string, unknown>, ns = 'ns1') {
  return toServiceInfo({ metadata: { name, namespace: ns }, spec });
}
function slice(service: string, ports: unknown[], endpoints: unknown[], name = `${service}-abc`, ns = 'ns1', addressType = 'IPv4') {
  return toSliceInfo({ metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } }, addressType, ports, endpoints } as any)!;
}
const ep = (ip: string, o: { hostname?: string; ready?: boolean } = {}) => ({ addresses: [ip], hostname: o.hostname, conditions: { ready: o.ready ?? true } });
const http = { name: 'http', port: 80, protocol: 'TCP' };

function fixture(): RecordIndex {
  const ix = new RecordIndex();
  for (const ns of ['ns1', 'default', 'kube-system', 'empty-ns']) ix.setNamespace(ns, true);
  ix.upsertService(svc('kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, 'kube-system'));
  ix.upsertService(svc('svc1', { clusterIP: '10.96.0.100', ports: [http, { name: 'https', port: 443, protocol: 'TCP' }] }));
  ix.upsertSlice(slice('svc1', [{ name: 'http', port: 8080, protocol: 'TCP' }], [ep('10.244.1.20')]));
  ix.upsertService(svc('svc-unnamed', { clusterIP: '10.96.0.101', ports: [{ port: 8080, protocol: 'TCP' }] }));
  ix.upsertService(svc('dns53', { clusterIP: '10.96.0.103', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }));
  ix.upsertService(svc('dual', { clusterIPs: ['10.96.0.102', 'fd00:10:96::102'], ports: [http] }));
  ix.upsertService(svc('hdls1', { clusterIP: 'None', ports: [http] }));
  ix.upsertSlice(slice('hdls1', [http], [ep('10.244.1.10', { hostname: 'web-0' }), ep('10.244.1.11'), ep('10.244.2.12', { ready: false })]));
  ix.upsertService(svc('hdls-pub', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [http] }));
  ix.upsertSlice(slice('hdls-pub', [http], [ep('10.244.3.1', { ready: false })]));
  ix.upsertService(svc('hdls-empty', { clusterIP: 'None', ports: [http] }));
  ix.upsertService(svc('hdls-v6', { clusterIP: 'None', ports: [http] }));
  ix.upsertSlice(slice('hdls-v6', [http], [ep('fd00:10:244::5')], 'hdls-v6-x', 'ns1', 'IPv6'));
  ix.upsertService(svc('ext', { type: 'ExternalName', externalName: 'Example.COM' }));
  ix.upsertService(svc('ext-in', { type: 'ExternalName', externalName: 'svc1.ns1.svc.cluster.local.' }));
  ix.upsertService(svc('ext-missing', { type: 'ExternalName', externalName: 'nope.ns1.svc.cluster.local' }));
  ix.upsertPod(toPodInfo({ metadata: { name: 'pod-a', namespace: 'ns1' }, status: { podIP: '10.244.1.10' } }));
  return ix;
}

const SOA = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5';
const Z = 'cluster.local.';

interface Case {
  qname: string;
  qtype: string;
  qclass?: string;
  rcode?: string;
  answer?: string[];
  ns?: string[];
  extra?: string[];
  forward?: true;
  external?: string;
  cfg?: Partial<DnsConfig>;
}

const cases: Case[] = [
  // ClusterIP services
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'A', answer: ['svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: 'SVC1.Ns1.svc.Cluster.Local.', qtype: 'A', answer: ['SVC1.Ns1.svc.Cluster.Local. 5 IN A 10.96.0.100'] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'AAAA', ns: [SOA] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'TXT', ns: [SOA] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'MX', ns: [SOA] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'CNAME', ns: [SOA] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'ANY', ns: [SOA] },
  { qname: '_http._tcp.svc1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['_http._tcp.svc1.ns1.svc.cluster.local. 5 IN SRV 0 100 80 svc1.ns1.svc.cluster.local.'],
    extra: ['svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: '_HTTPS._TCP.svc1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['_HTTPS._TCP.svc1.ns1.svc.cluster.local. 5 IN SRV 0 100 443 svc1.ns1.svc.cluster.local.'],
    extra: ['svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: '_http._tcp.svc1.ns1.svc.cluster.local.', qtype: 'A', answer: ['_http._tcp.svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: '_http._udp.svc1.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '_nope._tcp.svc1.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'http.tcp.svc1.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'x._http._tcp.svc1.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '_tcp.svc1.ns1.svc.cluster.local.', qtype: 'SRV', ns: [SOA] },
  { qname: '_udp.svc1.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['svc1.ns1.svc.cluster.local. 5 IN SRV 0 50 80 svc1.ns1.svc.cluster.local.', 'svc1.ns1.svc.cluster.local. 5 IN SRV 0 50 443 svc1.ns1.svc.cluster.local.'],
    extra: ['svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: 'svc-unnamed.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['svc-unnamed.ns1.svc.cluster.local. 5 IN SRV 0 100 8080 svc-unnamed.ns1.svc.cluster.local.'],
    extra: ['svc-unnamed.ns1.svc.cluster.local. 5 IN A 10.96.0.101'] },
  { qname: 'dns53.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['dns53.ns1.svc.cluster.local. 5 IN SRV 0 100 53 dns53.ns1.svc.cluster.local.'],
    extra: ['dns53.ns1.svc.cluster.local. 5 IN A 10.96.0.103'] },
  { qname: '_dns-tcp._tcp.dns53.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['_dns-tcp._tcp.dns53.ns1.svc.cluster.local. 5 IN SRV 0 100 53 dns53.ns1.svc.cluster.local.'],
    extra: ['dns53.ns1.svc.cluster.local. 5 IN A 10.96.0.103'] },
  // CoreDNS also answers endpoint names of ClusterIP services.
  { qname: '10-244-1-20.svc1.ns1.svc.cluster.local.', qtype: 'A', answer: ['10-244-1-20.svc1.ns1.svc.cluster.local. 5 IN A 10.244.1.20'] },
  { qname: 'dual.ns1.svc.cluster.local.', qtype: 'A', answer: ['dual.ns1.svc.cluster.local. 5 IN A 10.96.0.102'] },
  { qname: 'dual.ns1.svc.cluster.local.', qtype: 'AAAA', answer: ['dual.ns1.svc.cluster.local. 5 IN AAAA fd00:10:96::102'] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'A', cfg: { ttl: 30 }, answer: ['svc1.ns1.svc.cluster.local. 30 IN A 10.96.0.100'] },

  // Names that do not exist, and empty non-terminals
  { qname: 'nosvc.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc1.nons.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '*.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'any.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'ns1.svc.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'empty-ns.svc.cluster.local.', qtype: 'SRV', ns: [SOA] },
  { qname: 'nons.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'pod.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'ns1.pod.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'nons.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'foo.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'a.b.c.d.svc1.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },

  // Zone apex, name server, schema version
  { qname: Z, qtype: 'SOA', answer: [SOA] },
  { qname: 'Cluster.Local.', qtype: 'SOA', answer: ['Cluster.Local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5'] },
  { qname: Z, qtype: 'NS', answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'], extra: ['ns.dns.cluster.local. 5 IN A 10.96.0.10'] },
  { qname: Z, qtype: 'A', ns: [SOA] },
  { qname: 'ns.dns.cluster.local.', qtype: 'A', answer: ['ns.dns.cluster.local. 5 IN A 10.96.0.10'] },
  { qname: 'ns.dns.cluster.local.', qtype: 'AAAA', ns: [SOA] },
  { qname: 'dns.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'dns-version.cluster.local.', qtype: 'TXT', answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
  { qname: 'dns-version.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'x.dns-version.cluster.local.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [SOA] },

  // Headless services
  { qname: 'hdls1.ns1.svc.cluster.local.', qtype: 'A',
    answer: ['hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.10', 'hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.11'] },
  { qname: 'hdls1.ns1.svc.cluster.local.', qtype: 'AAAA', ns: [SOA] },
  { qname: 'web-0.hdls1.ns1.svc.cluster.local.', qtype: 'A', answer: ['web-0.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.10'] },
  { qname: '10-244-1-11.hdls1.ns1.svc.cluster.local.', qtype: 'A', answer: ['10-244-1-11.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.11'] },
  { qname: '10-244-2-12.hdls1.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'nope.hdls1.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'web-0.hdls1.ns1.svc.cluster.local.', qtype: 'TXT', ns: [SOA] },
  { qname: 'hdls1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['hdls1.ns1.svc.cluster.local. 5 IN SRV 0 50 80 web-0.hdls1.ns1.svc.cluster.local.', 'hdls1.ns1.svc.cluster.local. 5 IN SRV 0 50 80 10-244-1-11.hdls1.ns1.svc.cluster.local.'],
    extra: ['web-0.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.10', '10-244-1-11.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.11'] },
  { qname: '_http._tcp.hdls1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['_http._tcp.hdls1.ns1.svc.cluster.local. 5 IN SRV 0 50 80 web-0.hdls1.ns1.svc.cluster.local.', '_http._tcp.hdls1.ns1.svc.cluster.local. 5 IN SRV 0 50 80 10-244-1-11.hdls1.ns1.svc.cluster.local.'],
    extra: ['web-0.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.10', '10-244-1-11.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.11'] },
  { qname: '_http._udp.hdls1.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'web-0.hdls1.ns1.svc.cluster.local.', qtype: 'SRV',
    answer: ['web-0.hdls1.ns1.svc.cluster.local. 5 IN SRV 0 100 80 web-0.hdls1.ns1.svc.cluster.local.'],
    extra: ['web-0.hdls1.ns1.svc.cluster.local. 5 IN A 10.244.1.10'] },
  { qname: 'hdls-pub.ns1.svc.cluster.local.', qtype: 'A', answer: ['hdls-pub.ns1.svc.cluster.local. 5 IN A 10.244.3.1'] },
  { qname: 'hdls-empty.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'hdls-v6.ns1.svc.cluster.local.', qtype: 'AAAA', answer: ['hdls-v6.ns1.svc.cluster.local. 5 IN AAAA fd00:10:244::5'] },
  { qname: 'hdls-v6.ns1.svc.cluster.local.', qtype: 'A', ns: [SOA] },
  { qname: 'fd00-10-244--5.hdls-v6.ns1.svc.cluster.local.', qtype: 'AAAA', answer: ['fd00-10-244--5.hdls-v6.ns1.svc.cluster.local. 5 IN AAAA fd00:10:244::5'] },

  // ExternalName
  { qname: 'ext.ns1.svc.cluster.local.', qtype: 'A', answer: ['ext.ns1.svc.cluster.local. 5 IN CNAME example.com.'], external: 'example.com/A' },
  { qname: 'ext.ns1.svc.cluster.local.', qtype: 'CNAME', answer: ['ext.ns1.svc.cluster.local. 5 IN CNAME example.com.'] },
  { qname: 'ext.ns1.svc.cluster.local.', qtype: 'SRV', answer: ['ext.ns1.svc.cluster.local. 5 IN CNAME example.com.'], external: 'example.com/SRV' },
  { qname: 'ext-in.ns1.svc.cluster.local.', qtype: 'A',
    answer: ['ext-in.ns1.svc.cluster.local. 5 IN CNAME svc1.ns1.svc.cluster.local.', 'svc1.ns1.svc.cluster.local. 5 IN A 10.96.0.100'] },
  { qname: 'ext-in.ns1.svc.cluster.local.', qtype: 'AAAA', answer: ['ext-in.ns1.svc.cluster.local. 5 IN CNAME svc1.ns1.svc.cluster.local.'], ns: [SOA] },
  { qname: 'ext-missing.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN',
    answer: ['ext-missing.ns1.svc.cluster.local. 5 IN CNAME nope.ns1.svc.cluster.local.'], ns: [SOA] },
  { qname: 'x.ext.ns1.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '_http._tcp.ext.ns1.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },

  // PTR
  { qname: '100.0.96.10.in-addr.arpa.', qtype: 'PTR', answer: ['100.0.96.10.in-addr.arpa. 5 IN PTR svc1.ns1.svc.cluster.local.'] },
  { qname: '100.0.96.10.IN-ADDR.ARPA.', qtype: 'PTR', answer: ['100.0.96.10.IN-ADDR.ARPA. 5 IN PTR svc1.ns1.svc.cluster.local.'] },
  { qname: '100.0.96.10.in-addr.arpa.', qtype: 'A', ns: ['in-addr.arpa. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5'] },
  { qname: '10.1.244.10.in-addr.arpa.', qtype: 'PTR', answer: ['10.1.244.10.in-addr.arpa. 5 IN PTR web-0.hdls1.ns1.svc.cluster.local.'] },
  { qname: '11.1.244.10.in-addr.arpa.', qtype: 'PTR', answer: ['11.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-11.hdls1.ns1.svc.cluster.local.'] },
  { qname: '1.3.244.10.in-addr.arpa.', qtype: 'PTR', answer: ['1.3.244.10.in-addr.arpa. 5 IN PTR 10-244-3-1.hdls-pub.ns1.svc.cluster.local.'] },
  { qname: '2.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.', qtype: 'PTR',
    answer: ['2.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 IN PTR dual.ns1.svc.cluster.local.'] },
  // Unknown or not-ready addresses and partial reverse names fall through to upstream.
  { qname: '12.2.244.10.in-addr.arpa.', qtype: 'PTR', forward: true },
  { qname: '1.1.1.1.in-addr.arpa.', qtype: 'PTR', forward: true },
  { qname: '96.10.in-addr.arpa.', qtype: 'PTR', forward: true },

  // Pods: verified (default) answers only for pods that exist in that namespace
  { qname: '10-244-1-10.ns1.pod.cluster.local.', qtype: 'A', answer: ['10-244-1-10.ns1.pod.cluster.local. 5 IN A 10.244.1.10'] },
  { qname: '10-244-1-10.ns1.pod.cluster.local.', qtype: 'AAAA', ns: [SOA] },
  { qname: '10-244-9-9.ns1.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '10-244-1-10.default.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '10-244-9-9.ns1.pod.cluster.local.', qtype: 'A', cfg: { podMode: 'insecure' }, answer: ['10-244-9-9.ns1.pod.cluster.local. 5 IN A 10.244.9.9'] },
  { qname: '10-244-9-9.nons.pod.cluster.local.', qtype: 'A', cfg: { podMode: 'insecure' }, rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'fd00--1.ns1.pod.cluster.local.', qtype: 'AAAA', cfg: { podMode: 'insecure' }, answer: ['fd00--1.ns1.pod.cluster.local. 5 IN AAAA fd00::1'] },
  { qname: 'not-an-ip.ns1.pod.cluster.local.', qtype: 'A', cfg: { podMode: 'insecure' }, rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: '10-244-1-10.ns1.pod.cluster.local.', qtype: 'A', cfg: { podMode: 'disabled' }, rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'x.10-244-1-10.ns1.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },

  // Outside the zone, and what the zone refuses
  { qname: 'example.com.', qtype: 'A', forward: true },
  { qname: 'local.', qtype: 'A', forward: true },
  { qname: 'xcluster.local.', qtype: 'A', forward: true },
  { qname: '.', qtype: 'NS', forward: true },
  { qname: Z, qtype: 'AXFR', rcode: 'REFUSED' },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'A', qclass: 'CH', rcode: 'REFUSED' },
  // Another zone name
  { qname: 'svc1.ns1.svc.k8s.example.', qtype: 'A', cfg: { zone: 'k8s.example' },
    answer: ['svc1.ns1.svc.k8s.example. 5 IN A 10.96.0.100'] },
  { qname: 'svc1.ns1.svc.cluster.local.', qtype: 'A', cfg: { zone: 'k8s.example' }, forward: true },
];

const norm = (xs: string[] | undefined): string[] => (xs ?? []).map((s) => s.trim().replace(/\s+/g, ' ')).sort();

describe('dns answer', () => {
  const ix = fixture();
  for (const c of cases) {
    it(`${c.qname} ${c.qtype}${c.qclass ? ' ' + c.qclass : ''}${c.cfg ? ' ' + JSON.stringify(c.cfg) : ''}`, () => {
      const cfg = defaultConfig({ nsAddrs: ['10.96.0.10'], serial: 1, ...c.cfg });
      const d = answer({ name: c.qname, type: c.qtype, class: c.qclass ?? 'IN' }, ix, cfg);
      if (c.forward) {
        assert.equal(d.kind, 'forward');
        return;
      }
      assert.equal(d.kind, 'answer');
      if (d.kind !== 'answer') return;
      assert.equal(d.rcode, c.rcode ?? 'NOERROR');
      assert.deepEqual(norm(d.answers.map(rrText)), norm(c.answer), 'answer');
      assert.deepEqual(norm(d.authority.map(rrText)), norm(c.ns), 'authority');
      assert.deepEqual(norm(d.additional.map(rrText)), norm(c.extra), 'additional');
      assert.equal(d.external ? `${d.external.name}/${d.external.type}` : undefined, c.external);
      if (d.rcode === 'NOERROR' || d.rcode === 'NXDOMAIN') assert.equal(d.authoritative, true);
    });
  }
});

describe('dns index updates', () => {
  it('scale, readiness and delete change the answers', () => {
    const ix = new RecordIndex();
    ix.setNamespace('ns1', true);
    const q = { name: 'h.ns1.svc.cluster.local', type: 'A', class: 'IN' };
    const cfg = defaultConfig();
    const ips = (): string[] => { const d = answer(q, ix, cfg); return d.kind === 'answer' ? d.answers.map((a) => String(a.data)).sort() : []; };
    ix.upsertService(svc('h', { clusterIP: 'None', ports: [http] }));
    assert.deepEqual(ips(), []);
    ix.upsertSlice(slice('h', [http], [ep('10.244.1.1'), ep('10.244.1.2')], 'h-1'));
    ix.upsertSlice(slice('h', [http], [ep('10.244.1.3')], 'h-2'));
    assert.deepEqual(ips(), ['10.244.1.1', '10.244.1.2', '10.244.1.3']);
    ix.upsertSlice(slice('h', [http], [ep('10.244.1.1'), ep('10.244.1.2', { ready: false })], 'h-1'));
    assert.deepEqual(ips(), ['10.244.1.1', '10.244.1.3']);
    ix.deleteSlice('ns1', 'h-2');
    assert.deepEqual(ips(), ['10.244.1.1']);
    const ptr = answer({ name: '3.1.244.10.in-addr.arpa', type: 'PTR', class: 'IN' }, ix, cfg);
    assert.equal(ptr.kind, 'forward');
    ix.deleteService('ns1', 'h');
    const gone = answer(q, ix, cfg);
    assert.equal(gone.kind === 'answer' && gone.rcode, 'NXDOMAIN');
  });
});
