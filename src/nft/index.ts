export * from './errors.js';
export * from './objects.js';
export * from './transaction.js';
export type { NftInterface, ListKind } from './interface.js';
export { FakeNft, type FakeTable, type FakeChain, type FakeSet } from './fake.js';
export { parseLine, parseScript } from './parse.js';
