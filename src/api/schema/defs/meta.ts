// apimachinery meta/v1 types plus the special scalars (IntOrString, Quantity, Time).

import {
  META, INTSTR, QUANTITY, arrayOf, bool, int32, int64, mapList, obj, ref, str, stringMap, strs, time, typeMeta,
} from '../build.js';
import type { SchemaMap } from '../types.js';

const CORE_GROUPS = [
  { group: '', version: 'v1' },
  { group: 'apps', version: 'v1' },
  { group: 'autoscaling', version: 'v1' },
  { group: 'discovery.k8s.io', version: 'v1' },
  { group: 'coordination.k8s.io', version: 'v1' },
];

export const metaDefs: SchemaMap = {
  [INTSTR]: {
    description: 'Holds either an int32 or a string (e.g. a port number or a port name).',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [QUANTITY]: {
    description: 'A decimal or binary amount with an optional suffix, such as "100m", "1.5", "64Mi" or "2Gi".',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [META + 'Time']: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, second precision.' },
  [META + 'MicroTime']: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, microsecond precision.' },
  [META + 'FieldsV1']: { type: 'object', description: 'The set of fields a manager owns, in the FieldsV1 trie encoding.' },
  [META + 'Patch']: { type: 'object', description: 'A patch body; its format is given by the Content-Type.' },

  [META + 'ObjectMeta']: obj('Metadata every persisted object carries.', {
    name: str('Unique name within the namespace; immutable once set.'),
    generateName: str('Prefix the server completes with a random suffix when name is empty.'),
    namespace: str('Namespace the object lives in; empty for cluster-scoped objects.'),
    selfLink: str('Deprecated and no longer set.'),
    uid: str('Identifier the server assigns; unique across time.'),
    resourceVersion: str('Opaque version for optimistic concurrency and watch resumption.'),
    generation: int64('Sequence number of spec changes, assigned by the server.'),
    creationTimestamp: time('When the server created the object.'),
    deletionTimestamp: time('When graceful deletion was requested; set by the server.'),
    deletionGracePeriodSeconds: int64('Seconds the object is allowed to terminate gracefully.'),
    labels: stringMap('Key/value pairs used to select and organise objects.'),
    annotations: stringMap('Arbitrary non-identifying key/value data for tools.'),
    ownerReferences: arrayOf(ref(META + 'OwnerReference'), 'Objects this one depends on; used by garbage collection.', {
      mergeKey: 'uid', mapKeys: ['uid'],
    }),
    finalizers: strs('Keys that must be cleared before the object is removed.', { strategy: 'merge', listType: 'set' }),
    managedFields: arrayOf(ref(META + 'ManagedFieldsEntry'), 'Field ownership recorded by server-side apply.'),
  }),
  [META + 'OwnerReference']: obj('Identifies an owning object in the same namespace.', {
    apiVersion: str('API version of the owner.'),
    kind: str('Kind of the owner.'),
    name: str('Name of the owner.'),
    uid: str('UID of the owner.'),
    controller: bool('True when the owner is the managing controller.'),
    blockOwnerDeletion: bool('When true, the owner cannot be deleted in the foreground until this object is gone.'),
  }, { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' }),
  [META + 'ManagedFieldsEntry']: obj('One field manager and the fields it owns.', {
    manager: str('Name of the workflow managing the fields.'),
    operation: str('Operation that produced the entry: Apply or Update.'),
    apiVersion: str('Version of the object the field set refers to.'),
    time: time('When the entry last changed.'),
    fieldsType: str('Encoding of fieldsV1; only "FieldsV1".'),
    fieldsV1: ref(META + 'FieldsV1', 'The owned field set.'),
    subresource: str('Subresource the manager wrote through, if any.'),
  }),
  [META + 'ListMeta']: obj('Metadata of list responses.', {
    selfLink: str('Deprecated and no longer set.'),
    resourceVersion: str('Version of the list, for watching from this point.'),
    continue: str('Token for fetching the next page, when the list was limited.'),
    remainingItemCount: int64('Items left after this page, when known.'),
  }),
  [META + 'LabelSelector']: obj('Selects objects by labels; all requirements are ANDed.', {
    matchLabels: stringMap('Labels that must match exactly.'),
    matchExpressions: arrayOf(ref(META + 'LabelSelectorRequirement'), 'Set-based requirements.'),
  }, { mapType: 'atomic' }),
  [META + 'LabelSelectorRequirement']: obj('A key, an operator and values.', {
    key: str('Label key the requirement applies to.'),
    operator: str('In, NotIn, Exists or DoesNotExist.'),
    values: strs('Values for In and NotIn; empty for Exists and DoesNotExist.'),
  }, { required: ['key', 'operator'] }),
  [META + 'Condition']: obj('One aspect of an object\'s current state.', {
    type: str('Condition type in CamelCase.'),
    status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
    observedGeneration: int64('Generation the condition was computed from.'),
    lastTransitionTime: time('When status last changed.'),
    reason: str('Machine-readable CamelCase reason for the last transition.'),
    message: str('Human-readable detail.'),
  }, { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] }),

  [META + 'Status']: obj('Result of an operation that returns no object, usually an error.', {
    ...typeMeta('Status'),
    metadata: ref(META + 'ListMeta', 'List metadata.'),
    status: str('Success or Failure.'),
    message: str('Human-readable description.'),
    reason: str('Machine-readable reason, such as NotFound or AlreadyExists.'),
    details: ref(META + 'StatusDetails', 'Extra data about the reason.'),
    code: int32('HTTP status code.'),
  }, { gvk: { group: '', version: 'v1', kind: 'Status' } }),
  [META + 'StatusDetails']: obj('Details that go with a Status reason.', {
    name: str('Name of the object concerned.'),
    group: str('API group of the object concerned.'),
    kind: str('Kind or resource of the object concerned.'),
    uid: str('UID of the object concerned.'),
    causes: arrayOf(ref(META + 'StatusCause'), 'Individual causes, e.g. one per invalid field.'),
    retryAfterSeconds: int32('Seconds to wait before retrying.'),
  }),
  [META + 'StatusCause']: obj('One cause of a failure.', {
    reason: str('Machine-readable cause.'),
    message: str('Human-readable cause.'),
    field: str('Path of the field at fault, e.g. "spec.ports[0].port".'),
  }),
  [META + 'Preconditions']: obj('Conditions that must hold for the operation to run.', {
    uid: str('Required UID.'),
    resourceVersion: str('Required resourceVersion.'),
  }),
  [META + 'DeleteOptions']: obj('Options of a delete call.', {
    ...typeMeta('DeleteOptions'),
    gracePeriodSeconds: int64('Seconds before the object is deleted; 0 deletes at once.'),
    preconditions: ref(META + 'Preconditions', 'Must hold for the delete to proceed.'),
    orphanDependents: bool('Deprecated: use propagationPolicy.'),
    propagationPolicy: str('Orphan, Background or Foreground garbage collection of dependents.'),
    dryRun: strs('When "All", nothing is persisted.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool('Deletes objects that cannot be read from storage.'),
  }, { gvk: CORE_GROUPS.map((g) => ({ ...g, kind: 'DeleteOptions' })) }),
};

// Referenced from several groups; kept here so every document can reach it.
export const conditionList = (d: string) => mapList(META + 'Condition', 'type', d);
