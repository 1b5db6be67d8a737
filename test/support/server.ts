// Starts an in-process API server on a free loopback port with a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/apiserver/server.js';
import { apiClient } from './http.js';
import { kubectlSession, type KubectlSession } from './kubectl-session.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';

export interface TestServer extends ApiServer {
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(o: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'kubesvc-test-'));
  // Controllers are off unless a test asks: most suites drive (or run) their own.
  const srv = await startApiServer({ listen: ['127.0.0.1:0'], quiet: true, controllers: false, ...o, dataDir });
  return {
    ...srv,
    dataDir,
    async stop() {
      await srv.close();
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A suite's server and raw API client, made before its tests and closed after (call inside describe). */
export function suiteServer(o: Partial<ApiServerOptions> = {}): { readonly srv: TestServer; readonly api: ReturnType<typeof apiClient> } {
  let srv: TestServer | undefined;
  let api: ReturnType<typeof apiClient> | undefined;
  before(async () => {
    srv = await startTestServer(o);
    api = apiClient(srv);
  });
  after(async () => {
    api?.close();
    await srv?.stop();
  });
  return { get srv() { return srv!; }, get api() { return api!; } };
}

/** A suite's server, a real-kubectl session and a RestClient on it, made before its tests and closed after (call inside describe). */
export function suiteWithKubectl(o: Partial<ApiServerOptions> = {}): { readonly srv: TestServer; readonly k: KubectlSession; readonly api: RestClient } {
  let srv: TestServer | undefined;
  let k: KubectlSession | undefined;
  let api: RestClient | undefined;
  before(async () => {
    srv = await startTestServer(o);
    k = kubectlSession(srv.kubeconfigPath);
    api = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  });
  after(async () => {
    api?.close();
    await k?.close();
    await srv?.stop();
  });
  return { get srv() { return srv!; }, get k() { return k!; }, get api() { return api!; } };
}
