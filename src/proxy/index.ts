// The proxy's public surface.
export { deleteProxyTable, startProxy, type Proxy, type ProxyOptions } from './proxier.js';
export { ProxyCore, type SyncResult, type HealthCheck } from './core.js';
export { Tracer, type TracePacket, type TraceResult } from './trace.js';
export { TABLE } from './names.js';
