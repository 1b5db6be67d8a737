// Server-side apply and managedFields tracking, modelled on sigs.k8s.io/structured-merge-diff.

export { FieldSet } from './fieldset.js';
export {
  canonicalJson, comparePE, fieldPE, indexPE, keyPE, pathString, valuePE,
  type Path, type PathElement,
} from './pathelement.js';
export { fieldSetOf, managedSetOf, SERVER_METADATA, type ExtractOptions } from './extract.js';
export { diffObjects, type Diff } from './diff.js';
export { mergeValue, removeFields } from './merge.js';
export { conflictError, printManager, type Conflict } from './conflict.js';
export { compareEntries, managerId, MAX_UPDATE_MANAGERS } from './managers.js';
export { serverSideApply, BEFORE_FIRST_APPLY, type ApplyArgs } from './apply.js';
export { updateManagedFields, type UpdateArgs } from './update.js';
export { defaultFieldManager, FIELD_MANAGER_MAX_LENGTH } from './manager-name.js';
