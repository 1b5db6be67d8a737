// A set of field paths, stored as a tree keyed by serialised path elements.
// A node is a "member" when its own path is in the set (FieldsV1 marks that with
// "." or an empty object); a node may also have members below it. Trees are kept
// normalised: every node is a member or has children.

import type { JsonObject } from '../object.js';
import { comparePE, isValidPE, type Path, type PathElement } from './pathelement.js';

export class FieldSet {
  readonly children = new Map<PathElement, FieldSet>();
  member = false;

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return this.children.size === 0;
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  /** The node at path, if any. */
  at(path: Path): FieldSet | undefined {
    if (path.length === 0) return this;
    let n = this.children.get(path[0]);
    for (let i = 1; n && i < path.length; i++) n = n.children.get(path[i]);
    return n;
  }

  insert(path: Path): void {
    if (path.length === 0) return; // the empty path is in no set, as in fieldpath.Set
    let c = this.children.get(path[0]);
    if (!c) this.children.set(path[0], (c = new FieldSet()));
    c.insert(path.slice(1));
    if (path.length === 1) c.member = true;
  }

  has(path: Path): boolean {
    return path.length > 0 && this.at(path)?.member === true;
  }

  /** True when some member lies strictly below path. */
  hasDescendants(path: Path): boolean {
    const n = this.at(path);
    return n !== undefined && n.children.size > 0;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.member = this.member;
    for (const [pe, c] of this.children) s.children.set(pe, c.clone());
    return s;
  }

  union(o: FieldSet): FieldSet {
    const s = this.clone();
    s.addAll(o);
    return s;
  }

  /** In-place union. */
  addAll(o: FieldSet): void {
    this.member ||= o.member;
    for (const [pe, oc] of o.children) {
      const c = this.children.get(pe);
      if (c) c.addAll(oc);
      else this.children.set(pe, oc.clone());
    }
  }

  difference(o: FieldSet): FieldSet {
    const s = this.clone();
    s.subtract(o);
    return s;
  }

  /** In-place difference; returns whether anything was removed. */
  subtract(o: FieldSet): boolean {
    let changed = false;
    if (this.member && o.member) {
      this.member = false;
      changed = true;
    }
    for (const [pe, oc] of o.children) {
      const c = this.children.get(pe);
      if (!c) continue;
      if (c.subtract(oc)) changed = true;
      if (!c.member && c.children.size === 0) this.children.delete(pe);
    }
    return changed;
  }

  /** In-place removal of whole subtrees rooted at o's members; returns whether anything was removed. */
  subtractSubtrees(o: FieldSet): boolean {
    let changed = false;
    for (const [pe, oc] of o.children) {
      const c = this.children.get(pe);
      if (!c) continue;
      if (oc.member) {
        this.children.delete(pe);
        changed = true;
        continue;
      }
      if (c.subtractSubtrees(oc)) changed = true;
      if (!c.member && c.children.size === 0) this.children.delete(pe);
    }
    return changed;
  }

  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && o.member;
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const i = c.intersection(oc);
      if (i.member || i.children.size > 0) s.children.set(pe, i);
    }
    return s;
  }

  equals(o: FieldSet): boolean {
    if (this.member !== o.member || this.children.size !== o.children.size) return false;
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc || !c.equals(oc)) return false;
    }
    return true;
  }

  /** Members in FieldsV1 order. */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const walk = (n: FieldSet, prefix: PathElement[]): void => {
      for (const pe of sortedKeys(n)) {
        const c = n.children.get(pe)!;
        const p = [...prefix, pe];
        if (c.member) out.push(p);
        walk(c, p);
      }
    };
    walk(this, []);
    return out;
  }

  size(): number {
    let n = 0;
    for (const c of this.children.values()) n += (c.member ? 1 : 0) + c.size();
    return n;
  }

  /** The FieldsV1 JSON form, keys in PathElement order with "." first. */
  toFieldsV1(): JsonObject {
    const emit = (n: FieldSet, self: boolean): JsonObject => {
      const o: JsonObject = {};
      if (self && n.children.size > 0) o['.'] = {};
      for (const pe of sortedKeys(n)) {
        const c = n.children.get(pe)!;
        o[pe] = emit(c, c.member);
      }
      return o;
    };
    return emit(this, false);
  }

  static fromFieldsV1(j: unknown): FieldSet {
    const s = new FieldSet();
    if (j !== null && typeof j === 'object' && !Array.isArray(j)) read(s, j as Record<string, unknown>);
    return s;
  }
}

function sortedKeys(n: FieldSet): PathElement[] {
  return [...n.children.keys()].sort(comparePE);
}

// Mirrors readIterV1: a child is a member when it is empty or carries "."; keys of
// unknown element types are dropped, as a newer server's fields would be.
function read(into: FieldSet, j: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(j)) {
    if (k === '.' || !isValidPE(k)) continue;
    const c = new FieldSet();
    const o = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    read(c, o);
    c.member = Object.keys(o).length === 0 || '.' in o;
    if (c.member || c.children.size > 0) into.children.set(k, c);
  }
}
