// The proxy's Prometheus metrics (names follow kube-proxy's where one exists).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly syncDuration = new Histogram({ name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'Sync duration, by full or partial.', labelNames: ['mode'], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], registers: [this.registry] });
  readonly programming = new Histogram({ name: 'kubeproxy_network_programming_duration_seconds', help: 'From an endpoint change (last-change-trigger-time) to its rules being in the kernel.', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers: [this.registry] });
  readonly syncs = new Counter({ name: 'kubeproxy_sync_proxy_rules_total', help: 'Syncs, by mode and result.', labelNames: ['mode', 'result'], registers: [this.registry] });
  readonly objects = new Gauge({ name: 'kubeproxy_sync_proxy_rules_nftables_objects', help: 'Chains, rules and map/set elements kubesvc manages.', labelNames: ['kind'], registers: [this.registry] });
  readonly operations = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_operations', help: 'Operations in the last transaction.', registers: [this.registry] });
  readonly lastSync = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'When the last successful sync finished.', registers: [this.registry] });
  readonly conntrackFailures = new Counter({ name: 'kubeproxy_conntrack_cleanup_failures_total', help: 'Failed conntrack cleanups.', registers: [this.registry] });
}
