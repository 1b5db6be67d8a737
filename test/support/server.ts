// Starts an in-process API server on a free loopback port with a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/apiserver/server.js';
import { apiClient } from './http.js';

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
