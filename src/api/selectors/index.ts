// Label and field selectors: parsing, matching, and per-resource field support.
export * from './labels.js';
export * from './fields.js';
export * from './field-labels.js';
