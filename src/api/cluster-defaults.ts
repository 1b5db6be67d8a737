// The address plan's defaults (DESIGN.md), in one place for every component's flags.
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';
export const DEFAULT_LB_POOL = '172.30.0.200-172.30.0.250';
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_CIDR = '172.30.0.0/24';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
