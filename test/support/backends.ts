// Storage backends for integration suites: server options plus cleanup.
import type { ApiServerOptions } from '../../src/apiserver/server.js';
import { startEtcd } from './etcd.js';

export interface BackendFixture {
  options: Partial<ApiServerOptions>;
  stop(): Promise<void>;
}

export type BackendFactory = () => Promise<BackendFixture>;

export const sqliteBackend: BackendFactory = async () => ({ options: {}, stop: async () => {} });

export const etcdBackend: BackendFactory = async () => {
  const etcd = await startEtcd();
  return {
    options: { datastore: etcd.endpoint.replace(/^https?:\/\//, 'etcd://') },
    stop: () => etcd.stop(),
  };
};
