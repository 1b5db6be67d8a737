// Protobuf field numbers of the meta/v1 messages (ObjectMeta, LabelSelector, DeleteOptions, ...).
// Taken from the descriptors registered in the kubectl 1.32 binary; grammar in ../table.ts.

import { META } from '../../../api/schema/build.js';

export const metaFields: Record<string, string> = {
  [META + 'ObjectMeta']: 'name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7 creationTimestamp=8 deletionTimestamp=9 deletionGracePeriodSeconds=10* labels=11 annotations=12 ownerReferences=13 finalizers=14 managedFields=17',
  [META + 'OwnerReference']: 'apiVersion=5 kind=1 name=3 uid=4 controller=6* blockOwnerDeletion=7*',
  [META + 'ManagedFieldsEntry']: 'manager=1 operation=2 apiVersion=3 time=4 fieldsType=6 fieldsV1=7 subresource=8',
  [META + 'Condition']: 'type=1 status=2 observedGeneration=3 lastTransitionTime=4 reason=5 message=6',
  [META + 'LabelSelector']: 'matchLabels=1 matchExpressions=2',
  [META + 'LabelSelectorRequirement']: 'key=1 operator=2 values=3',
  [META + 'DeleteOptions']: 'gracePeriodSeconds=1* preconditions=2 orphanDependents=3* propagationPolicy=4* dryRun=5 ignoreStoreReadErrorWithClusterBreakingPotential=6*',
  [META + 'Preconditions']: 'uid=1* resourceVersion=2*',
};
