// Protobuf field numbers of the apps/v1, autoscaling/v1, discovery.k8s.io/v1 and coordination.k8s.io/v1 messages.
// Taken from the descriptors registered in the kubectl 1.32 binary; grammar in ../table.ts.

import { APPS, AUTOSCALING, COORDINATION, DISCOVERY } from '../../../api/schema/build.js';

export const appsFields: Record<string, string> = {
  [APPS + 'Deployment']: 'metadata=1 spec=2 status=3',
  [APPS + 'DeploymentSpec']: 'replicas=1* selector=2 template=3 strategy=4 minReadySeconds=5 revisionHistoryLimit=6* paused=7 progressDeadlineSeconds=9*',
  [APPS + 'DeploymentStrategy']: 'type=1 rollingUpdate=2',
  [APPS + 'RollingUpdateDeployment']: 'maxUnavailable=1 maxSurge=2',
  [APPS + 'DeploymentStatus']: 'observedGeneration=1 replicas=2 updatedReplicas=3 readyReplicas=7 availableReplicas=4 unavailableReplicas=5 conditions=6 collisionCount=8*',
  [APPS + 'DeploymentCondition']: 'type=1 status=2 lastUpdateTime=6 lastTransitionTime=7 reason=4 message=5',
  [APPS + 'ReplicaSet']: 'metadata=1 spec=2 status=3',
  [APPS + 'ReplicaSetSpec']: 'replicas=1* minReadySeconds=4 selector=2 template=3',
  [APPS + 'ReplicaSetStatus']: 'replicas=1 fullyLabeledReplicas=2 readyReplicas=4 availableReplicas=5 observedGeneration=3 conditions=6',
  [APPS + 'ReplicaSetCondition']: 'type=1 status=2 lastTransitionTime=3 reason=4 message=5',
  [AUTOSCALING + 'Scale']: 'metadata=1 spec=2 status=3',
  [AUTOSCALING + 'ScaleSpec']: 'replicas=1',
  [AUTOSCALING + 'ScaleStatus']: 'replicas=1 selector=2',
  [DISCOVERY + 'EndpointSlice']: 'metadata=1 addressType=4 endpoints=2 ports=3',
  [DISCOVERY + 'Endpoint']: 'addresses=1 conditions=2 hostname=3* targetRef=4 deprecatedTopology=5 nodeName=6* zone=7* hints=8',
  [DISCOVERY + 'EndpointConditions']: 'ready=1* serving=2* terminating=3*',
  [DISCOVERY + 'EndpointHints']: 'forZones=1',
  [DISCOVERY + 'ForZone']: 'name=1',
  [DISCOVERY + 'EndpointPort']: 'name=1* protocol=2* port=3* appProtocol=4*',
  [COORDINATION + 'Lease']: 'metadata=1 spec=2',
  [COORDINATION + 'LeaseSpec']: 'holderIdentity=1* leaseDurationSeconds=2* acquireTime=3 renewTime=4 leaseTransitions=5* strategy=6* preferredHolder=7*',
};
