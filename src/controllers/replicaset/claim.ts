// Which objects a controller owns, adopts or releases (ControllerRefManager's
// claim rules): owned objects that stop matching are released, orphans that
// match are adopted unless the owner is being deleted.
import type { KubeObject } from '../../api/object.js';
import { matchesLabels, type LabelSelector } from '../../api/selectors/labels.js';
import { getControllerOf } from './pod-util.js';

export interface Claim<T extends KubeObject> {
  /** Owned and matching, plus those to adopt: what the controller manages. */
  claimed: T[];
  adopt: T[];
  release: T[];
}

export function claimObjects<T extends KubeObject>(owner: KubeObject, selector: LabelSelector, objs: readonly T[]): Claim<T> {
  const out: Claim<T> = { claimed: [], adopt: [], release: [] };
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  for (const o of objs) {
    const ref = getControllerOf(o);
    const matches = matchesLabels(selector, o.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) out.claimed.push(o);
      else if (!o.metadata.deletionTimestamp && !ownerDeleting) out.release.push(o);
      continue;
    }
    if (!matches || ownerDeleting || o.metadata.deletionTimestamp) continue;
    out.adopt.push(o);
    out.claimed.push(o);
  }
  return out;
}
