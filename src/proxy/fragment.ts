// The desired nftables state, split into fragments: one static fragment plus
// one per Service. A sync rewrites only the fragments of changed Services.
import type { BaseChain, NftObject } from '../nft/objects.js';

export interface RuleSpec { rule: string; comment?: string }
export interface ChainSpec { name: string; base?: BaseChain; comment?: string; rules: RuleSpec[] }
export interface SetSpec { kind: 'set' | 'map'; name: string; type: string; flags?: string[]; timeout?: number; comment?: string }
/** Already the nft object a transaction takes: a full sync writes 100k+ of them, so no copies. */
export type ElementSpec = Extract<NftObject, { kind: 'element' }>;

export interface Fragment {
  chains: ChainSpec[];
  /** Sets this fragment owns (declares and deletes). */
  sets: SetSpec[];
  /** Elements it contributes to shared sets and maps. */
  elements: ElementSpec[];
  /** Chains several fragments may want (same name, same rules): present while any does. */
  shared?: ChainSpec[];
}

export const emptyFragment = (): Fragment => ({ chains: [], sets: [], elements: [] });

export const sameRules = (a: RuleSpec[], b: RuleSpec[]): boolean =>
  a.length === b.length && a.every((r, i) => r.rule === b[i].rule && r.comment === b[i].comment);

export const sameSet = (a: SetSpec, b: SetSpec): boolean =>
  a.kind === b.kind && a.type === b.type && a.timeout === b.timeout && a.comment === b.comment && (a.flags ?? []).join() === (b.flags ?? []).join();
