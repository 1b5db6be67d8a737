// A pod built from a controller's template (controller.GetPodFromTemplate), pure.
import { deepClone, type KubeObject } from '../../api/object.js';
import { controllerRef } from './pod-util.js';

export function podFromTemplate(owner: KubeObject): KubeObject {
  const t = owner.spec?.template ?? {};
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: deepClone(t.spec ?? {}),
  };
}
