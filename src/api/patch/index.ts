// Patch application for PATCH requests: JSON patch, JSON merge patch, strategic
// merge patch, and decoding of the request body by Content-Type.

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic/merge.js';
export { parsePatchBody, patchKind, mediaType, type PatchKind, type ParsedPatch } from './body.js';
export { PATCH_CONTENT_TYPES, PatchErrors } from './errors.js';
