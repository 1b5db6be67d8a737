// Starts every control-plane controller as an API client over one RestClient,
// sharing one informer per resource, as kube-controller-manager does.
import type { RestClient } from '../client/rest.js';
import { Informer } from '../client/informer.js';
import { EventRecorder } from '../client/events.js';
import { Pods, Services, Nodes, Endpoints, ReplicaSets, Deployments, Leases } from '../client/resources.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { MirroringController } from './mirroring/controller.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { LoadBalancerController } from './loadbalancer/controller.js';
import { NodeLifecycleController } from './nodelifecycle/controller.js';

export interface ControllerManagerOptions {
  /** LoadBalancer address pool, e.g. 172.30.0.200-172.30.0.250. */
  lbPool: string;
  maxEndpointsPerSlice?: number;
  /** `--node-monitor-grace-period` in ms. */
  nodeMonitorGracePeriodMs?: number;
  /** How often the node lifecycle controller checks nodes, in ms. */
  nodeMonitorPeriodMs?: number;
}

export interface ControllerManager {
  stop(): Promise<void>;
}

interface Controller {
  start(): Promise<void>;
  stop(): void | Promise<void>;
}

export async function startControllers(client: RestClient, o: ControllerManagerOptions): Promise<ControllerManager> {
  const informers = {
    pods: new Informer(client, Pods),
    services: new Informer(client, Services),
    nodes: new Informer(client, Nodes),
    endpoints: new Informer(client, Endpoints),
    replicaSets: new Informer(client, ReplicaSets),
    deployments: new Informer(client, Deployments),
    nodeLeases: new Informer(client, Leases, { namespace: 'kube-node-lease' }),
  };
  await Promise.all(Object.values(informers).map((i) => i.start()));
  const { pods, services, nodes, endpoints, replicaSets, deployments, nodeLeases } = informers;
  const controllers: Controller[] = [
    new EndpointSliceController(client, { services, pods, nodes, maxEndpointsPerSlice: o.maxEndpointsPerSlice }),
    new EndpointsController(client, { services, pods, endpoints }),
    new MirroringController(client, { services, endpoints, maxEndpointsPerSlice: o.maxEndpointsPerSlice }),
    new Scheduler(client, { pods, nodes, recorder: new EventRecorder(client, 'default-scheduler') }),
    new ReplicaSetController(client, { pods, replicaSets, recorder: new EventRecorder(client, 'replicaset-controller') }),
    new DeploymentController(client, { pods, replicaSets, deployments, recorder: new EventRecorder(client, 'deployment-controller') }),
    new LoadBalancerController(client, { pool: o.lbPool, services }),
    new NodeLifecycleController(client, { nodes, pods, leases: nodeLeases, gracePeriodMs: o.nodeMonitorGracePeriodMs, monitorPeriodMs: o.nodeMonitorPeriodMs }),
  ];
  await Promise.all(controllers.map((c) => c.start()));
  return {
    async stop() {
      for (const c of controllers) await c.stop();
      for (const i of Object.values(informers)) i.stop();
    },
  };
}
