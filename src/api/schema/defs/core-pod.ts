// core/v1 Pod, PodSpec, Container and the types they are made of.

import {
  CORE, META, arrayOf, bool, int32, int64, intOrString, mapList, mapOf, obj, preserve, quantity, ref, resource, str,
  stringMap, strs, time,
} from '../build.js';
import type { Schema, SchemaMap } from '../types.js';

const c = (n: string) => CORE + n;
const resourceList = (d: string) => mapOf(ref('io.k8s.apimachinery.pkg.api.resource.Quantity'), d);

function containerProps(): Record<string, Schema> {
  return {
    name: str('Container name (a DNS label), unique within the pod.'),
    image: str('Image to run. kubesvc runs command/args from the host, or its stand-in server.'),
    command: strs('Entrypoint argv; replaces the image entrypoint. $(VAR) references are expanded.'),
    args: strs('Arguments to the entrypoint. $(VAR) references are expanded.'),
    workingDir: str('Working directory of the process.'),
    ports: arrayOf(ref(c('ContainerPort')), 'Ports the container exposes; informational, but names are used by Services.', {
      mergeKey: 'containerPort', mapKeys: ['containerPort', 'protocol'],
    }),
    envFrom: arrayOf(ref(c('EnvFromSource')), 'Sources whose keys all become environment variables.'),
    env: mapList(c('EnvVar'), 'name', 'Environment variables to set.'),
    resources: ref(c('ResourceRequirements'), 'Compute resources the container requests and is limited to.'),
    resizePolicy: arrayOf(ref(c('ContainerResizePolicy')), 'How each resource may be resized in place.'),
    restartPolicy: str('Only "Always", for init containers that keep running as sidecars.'),
    volumeMounts: mapList(c('VolumeMount'), 'mountPath', 'Pod volumes to mount into the filesystem.'),
    volumeDevices: mapList(c('VolumeDevice'), 'devicePath', 'Block devices to expose to the container.'),
    livenessProbe: ref(c('Probe'), 'Restarts the container when it fails.'),
    readinessProbe: ref(c('Probe'), 'Removes the pod from Service endpoints while it fails.'),
    startupProbe: ref(c('Probe'), 'Holds off the other probes until it succeeds once.'),
    lifecycle: ref(c('Lifecycle'), 'Hooks run after start and before stop.'),
    terminationMessagePath: str('File whose content becomes the termination message.'),
    terminationMessagePolicy: str('File or FallbackToLogsOnError.', { enum: ['FallbackToLogsOnError', 'File'] }),
    imagePullPolicy: str('Always, Never or IfNotPresent.', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    securityContext: ref(c('SecurityContext'), 'Security options of the process.'),
    stdin: bool('Keep a stdin buffer open for attach.'),
    stdinOnce: bool('Close stdin after the first attach ends.'),
    tty: bool('Allocate a TTY.'),
  };
}

const probeHandler = (): Record<string, Schema> => ({
  exec: ref(c('ExecAction'), 'Run a command; exit 0 is success.'),
  httpGet: ref(c('HTTPGetAction'), 'HTTP GET; 2xx and 3xx are success.'),
  tcpSocket: ref(c('TCPSocketAction'), 'TCP connect; an open connection is success.'),
});

const podSpec = obj('Desired state of a pod.', {
  volumes: arrayOf(ref(c('Volume')), 'Volumes the containers can mount.', {
    mergeKey: 'name', strategy: 'merge,retainKeys', mapKeys: ['name'],
  }),
  initContainers: mapList(c('Container'), 'name', 'Containers run to completion, in order, before the app containers.'),
  containers: mapList(c('Container'), 'name', 'The pod\'s containers; at least one.'),
  ephemeralContainers: mapList(c('EphemeralContainer'), 'name', 'Debugging containers added to a running pod.'),
  restartPolicy: str('Always, OnFailure or Never.', { enum: ['Always', 'Never', 'OnFailure'] }),
  terminationGracePeriodSeconds: int64('Seconds between SIGTERM and SIGKILL on deletion.'),
  activeDeadlineSeconds: int64('Seconds the pod may run before it is failed.'),
  dnsPolicy: str('ClusterFirst, ClusterFirstWithHostNet, Default or None.', {
    enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  }),
  nodeSelector: stringMap('Node labels the pod\'s node must carry.', 'atomic'),
  serviceAccountName: str('Service account the pod runs as.'),
  serviceAccount: str('Deprecated alias of serviceAccountName.'),
  automountServiceAccountToken: bool('Mount the service account token.'),
  nodeName: str('Node the pod is bound to; set by the scheduler or by hand.'),
  hostNetwork: bool('Use the node\'s network namespace.'),
  hostPID: bool('Use the node\'s PID namespace.'),
  hostIPC: bool('Use the node\'s IPC namespace.'),
  shareProcessNamespace: bool('One PID namespace for all containers.'),
  securityContext: ref(c('PodSecurityContext'), 'Pod-wide security options.'),
  imagePullSecrets: mapList(c('LocalObjectReference'), 'name', 'Secrets used to pull images.'),
  hostname: str('Pod hostname; defaults to the pod name.'),
  subdomain: str('With hostname, gives the pod the DNS name <hostname>.<subdomain>.<ns>.svc.<domain>.'),
  affinity: ref(c('Affinity'), 'Scheduling constraints relative to nodes and other pods.'),
  schedulerName: str('Scheduler that places the pod.'),
  tolerations: arrayOf(ref(c('Toleration')), 'Taints the pod tolerates.'),
  hostAliases: mapList(c('HostAlias'), 'ip', 'Extra /etc/hosts entries.'),
  priorityClassName: str('Name of the pod\'s PriorityClass.'),
  priority: int32('Priority value, resolved from priorityClassName.'),
  dnsConfig: ref(c('PodDNSConfig'), 'DNS settings merged into those dnsPolicy produces.'),
  readinessGates: arrayOf(ref(c('PodReadinessGate')), 'Extra conditions required for readiness.'),
  runtimeClassName: str('RuntimeClass to run the pod with.'),
  enableServiceLinks: bool('Inject environment variables for the Services of the namespace.'),
  preemptionPolicy: str('Never or PreemptLowerPriority.'),
  overhead: resourceList('Resources consumed by the pod sandbox.'),
  topologySpreadConstraints: arrayOf(ref(c('TopologySpreadConstraint')), 'How to spread matching pods across topology domains.', {
    mergeKey: 'topologyKey', mapKeys: ['topologyKey', 'whenUnsatisfiable'],
  }),
  setHostnameAsFQDN: bool('Make the kernel hostname the pod FQDN.'),
  os: ref(c('PodOS'), 'Operating system the pod needs.'),
  hostUsers: bool('Use the host user namespace.'),
  schedulingGates: mapList(c('PodSchedulingGate'), 'name', 'Gates that keep the pod from being scheduled.'),
  resourceClaims: arrayOf(ref(c('PodResourceClaim')), 'Dynamic resources the pod claims.', {
    mergeKey: 'name', strategy: 'merge,retainKeys', mapKeys: ['name'],
  }),
  resources: ref(c('ResourceRequirements'), 'Pod-level resource requests and limits.'),
}, { required: ['containers'] });

const podStatus = obj('Observed state of a pod.', {
  phase: str('Pending, Running, Succeeded, Failed or Unknown.', {
    enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
  }),
  conditions: mapList(c('PodCondition'), 'type', 'Current conditions, such as Ready and PodScheduled.'),
  message: str('Human-readable detail about the pod\'s state.'),
  reason: str('CamelCase reason for the pod\'s state.'),
  nominatedNodeName: str('Node the pod is expected to run on after preemption.'),
  hostIP: str('Primary IP of the pod\'s node.'),
  hostIPs: arrayOf(ref(c('HostIP')), 'IPs of the pod\'s node; the first equals hostIP.', { mergeKey: 'ip', listType: 'atomic' }),
  podIP: str('Primary IP of the pod.'),
  podIPs: mapList(c('PodIP'), 'ip', 'IPs of the pod, at most one per family; the first equals podIP.'),
  startTime: time('When the node accepted the pod.'),
  initContainerStatuses: arrayOf(ref(c('ContainerStatus')), 'Status of each init container.'),
  containerStatuses: arrayOf(ref(c('ContainerStatus')), 'Status of each container.'),
  qosClass: str('Guaranteed, Burstable or BestEffort.', { enum: ['BestEffort', 'Burstable', 'Guaranteed'] }),
  ephemeralContainerStatuses: arrayOf(ref(c('ContainerStatus')), 'Status of each ephemeral container.'),
  resize: str('State of an in-place resize.'),
  resourceClaimStatuses: arrayOf(ref(c('PodResourceClaimStatus')), 'Generated claims of the pod.', {
    mergeKey: 'name', strategy: 'merge,retainKeys', mapKeys: ['name'],
  }),
});

const selinux = obj('SELinux labels.', {
  user: str('SELinux user.'), role: str('SELinux role.'), type: str('SELinux type.'), level: str('SELinux level.'),
});
const profile = (what: string) => obj(`${what} profile.`, {
  type: str('RuntimeDefault, Localhost or Unconfined.'),
  localhostProfile: str('Profile path or name on the node, for type Localhost.'),
}, { required: ['type'] });
const windowsOpts = obj('Windows-specific options.', {
  gmsaCredentialSpecName: str('GMSA credential spec name.'),
  gmsaCredentialSpec: str('Inline GMSA credential spec.'),
  runAsUserName: str('User name to run as.'),
  hostProcess: bool('Run as a host process.'),
});
const keySel = (what: string) => obj(`Selects one key of a ${what}.`, {
  name: str(`Name of the ${what}.`, { default: '' }),
  key: str('The key to select.'),
  optional: bool(`Whether the ${what} or key may be missing.`),
}, { required: ['key'], mapType: 'atomic' });
const envSrc = (what: string) => obj(`A ${what} whose keys become environment variables.`, {
  name: str(`Name of the ${what}.`, { default: '' }),
  optional: bool(`Whether the ${what} may be missing.`),
});
const keyToPath = arrayOf(ref(c('KeyToPath')), 'Keys to project, and where; all keys when empty.');

// Volume sources kubesvc does not model: accepted and stored, never interpreted.
const OPAQUE_VOLUMES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

export const corePodDefs: SchemaMap = {
  [c('Pod')]: resource({ group: '', version: 'v1', kind: 'Pod' }, 'A group of containers that share a network namespace and run on one node.', {
    spec: ref(c('PodSpec'), 'Desired behaviour of the pod.'),
    status: ref(c('PodStatus'), 'Most recently observed state of the pod; read-only.'),
  }),
  [c('PodSpec')]: podSpec,
  [c('PodStatus')]: podStatus,
  [c('PodTemplateSpec')]: obj('Pods created from a template carry this metadata and spec.', {
    metadata: ref(META + 'ObjectMeta', 'Labels and annotations of the created pods.'),
    spec: ref(c('PodSpec'), 'Spec of the created pods.'),
  }),
  [c('Container')]: obj('A process to run in the pod.', containerProps(), { required: ['name'] }),
  [c('EphemeralContainer')]: obj('A temporary container for debugging.', {
    ...containerProps(),
    targetContainerName: str('Container whose namespaces to join.'),
  }, { required: ['name'] }),
  [c('ContainerPort')]: obj('A network port of a container.', {
    name: str('IANA_SVC_NAME-style name; Services can target it by name.'),
    hostPort: int32('Port on the node to forward to this one.'),
    containerPort: int32('Port number in the pod\'s IP address space.'),
    protocol: str('TCP, UDP or SCTP.', { default: 'TCP', enum: ['SCTP', 'TCP', 'UDP'] }),
    hostIP: str('Node IP to bind hostPort to.'),
  }, { required: ['containerPort'] }),
  [c('EnvVar')]: obj('One environment variable.', {
    name: str('Variable name.'),
    value: str('Literal value; $(VAR) references to earlier variables are expanded.'),
    valueFrom: ref(c('EnvVarSource'), 'Source of the value when value is empty.'),
  }, { required: ['name'] }),
  [c('EnvVarSource')]: obj('Where a variable\'s value comes from.', {
    fieldRef: ref(c('ObjectFieldSelector'), 'A field of the pod, e.g. metadata.name or status.podIP.'),
    resourceFieldRef: ref(c('ResourceFieldSelector'), 'A resource limit or request of a container.'),
    configMapKeyRef: ref(c('ConfigMapKeySelector'), 'A key of a ConfigMap.'),
    secretKeyRef: ref(c('SecretKeySelector'), 'A key of a Secret.'),
  }),
  [c('ObjectFieldSelector')]: obj('Selects a field of the pod.', {
    apiVersion: str('Schema version the path is written in; defaults to "v1".'),
    fieldPath: str('Path of the field.'),
  }, { required: ['fieldPath'], mapType: 'atomic' }),
  [c('ResourceFieldSelector')]: obj('Selects a container resource.', {
    containerName: str('Container name; required for volumes.'),
    resource: str('Resource, e.g. limits.cpu.'),
    divisor: quantity('Unit the value is expressed in.'),
  }, { required: ['resource'], mapType: 'atomic' }),
  [c('ConfigMapKeySelector')]: keySel('ConfigMap'),
  [c('SecretKeySelector')]: keySel('Secret'),
  [c('EnvFromSource')]: obj('A source of many environment variables.', {
    prefix: str('Prefix prepended to every key.'),
    configMapRef: ref(c('ConfigMapEnvSource'), 'The ConfigMap to read.'),
    secretRef: ref(c('SecretEnvSource'), 'The Secret to read.'),
  }),
  [c('ConfigMapEnvSource')]: envSrc('ConfigMap'),
  [c('SecretEnvSource')]: envSrc('Secret'),
  [c('ResourceRequirements')]: obj('Compute resource requests and limits.', {
    limits: resourceList('Most of each resource that may be used.'),
    requests: resourceList('Least of each resource that is needed.'),
    claims: arrayOf(ref(c('ResourceClaim')), 'Dynamic resource claims used.', { mapKeys: ['name'] }),
  }),
  [c('ResourceClaim')]: obj('One resource claim of the pod.', {
    name: str('Name of an entry in pod.spec.resourceClaims.'),
    request: str('Request within the claim.'),
  }, { required: ['name'] }),
  [c('ContainerResizePolicy')]: obj('In-place resize policy of one resource.', {
    resourceName: str('cpu or memory.'),
    restartPolicy: str('NotRequired or RestartContainer.'),
  }, { required: ['resourceName', 'restartPolicy'] }),
  [c('VolumeMount')]: obj('Mounts a volume into a container.', {
    name: str('Name of the pod volume.'),
    readOnly: bool('Mount read-only.'),
    recursiveReadOnly: str('Disabled, IfPossible or Enabled.'),
    mountPath: str('Where in the container to mount.'),
    subPath: str('Path within the volume to mount instead of its root.'),
    mountPropagation: str('None, HostToContainer or Bidirectional.'),
    subPathExpr: str('Like subPath, with $(VAR) expansion.'),
  }, { required: ['name', 'mountPath'] }),
  [c('VolumeDevice')]: obj('Maps a raw block volume into a container.', {
    name: str('Name of a persistentVolumeClaim in the pod.'),
    devicePath: str('Device path inside the container.'),
  }, { required: ['name', 'devicePath'] }),
  [c('Probe')]: obj('A periodic health check.', {
    ...probeHandler(),
    grpc: ref(c('GRPCAction'), 'gRPC health check.'),
    initialDelaySeconds: int32('Seconds after start before the first probe.'),
    timeoutSeconds: int32('Seconds before a probe times out; default 1.'),
    periodSeconds: int32('Seconds between probes; default 10.'),
    successThreshold: int32('Consecutive successes that count as success; default 1.'),
    failureThreshold: int32('Consecutive failures that count as failure; default 3.'),
    terminationGracePeriodSeconds: int64('Grace period used when a failed probe kills the container.'),
  }),
  [c('ExecAction')]: obj('Runs a command in the container.', {
    command: strs('argv of the command; not run in a shell.'),
  }),
  [c('HTTPGetAction')]: obj('An HTTP GET request.', {
    path: str('Request path.'),
    port: intOrString('Port number or container port name.'),
    host: str('Host to connect to; defaults to the pod IP.'),
    scheme: str('HTTP or HTTPS.', { enum: ['HTTP', 'HTTPS'] }),
    httpHeaders: arrayOf(ref(c('HTTPHeader')), 'Extra request headers.'),
  }, { required: ['port'] }),
  [c('HTTPHeader')]: obj('An HTTP header.', { name: str('Header name.'), value: str('Header value.') }, { required: ['name', 'value'] }),
  [c('TCPSocketAction')]: obj('A TCP connection attempt.', {
    port: intOrString('Port number or container port name.'),
    host: str('Host to connect to; defaults to the pod IP.'),
  }, { required: ['port'] }),
  [c('GRPCAction')]: obj('A gRPC health check.', {
    port: int32('Port number.'),
    service: str('Service name sent in the health check request.', { default: '' }),
  }, { required: ['port'] }),
  [c('Lifecycle')]: obj('Hooks around a container\'s life.', {
    postStart: ref(c('LifecycleHandler'), 'Runs right after the container starts.'),
    preStop: ref(c('LifecycleHandler'), 'Runs before the container is stopped.'),
  }),
  [c('LifecycleHandler')]: obj('An action run by a lifecycle hook.', {
    ...probeHandler(),
    sleep: ref(c('SleepAction'), 'Sleep for a while.'),
  }),
  [c('SleepAction')]: obj('Sleeps.', { seconds: int64('Seconds to sleep.') }, { required: ['seconds'] }),
  [c('SecurityContext')]: obj('Security options of a container.', {
    capabilities: ref(c('Capabilities'), 'Capabilities to add and drop.'),
    privileged: bool('Run privileged.'),
    seLinuxOptions: ref(c('SELinuxOptions'), 'SELinux context.'),
    windowsOptions: ref(c('WindowsSecurityContextOptions'), 'Windows options.'),
    runAsUser: int64('UID to run as.'),
    runAsGroup: int64('GID to run as.'),
    runAsNonRoot: bool('Refuse to start as UID 0.'),
    readOnlyRootFilesystem: bool('Mount the root filesystem read-only.'),
    allowPrivilegeEscalation: bool('Allow gaining more privileges than the parent (no_new_privs).'),
    procMount: str('Default or Unmasked.'),
    seccompProfile: ref(c('SeccompProfile'), 'Seccomp profile.'),
    appArmorProfile: ref(c('AppArmorProfile'), 'AppArmor profile.'),
  }),
  [c('Capabilities')]: obj('POSIX capabilities.', { add: strs('Capabilities to add.'), drop: strs('Capabilities to drop.') }),
  [c('SELinuxOptions')]: selinux,
  [c('SeccompProfile')]: profile('Seccomp'),
  [c('AppArmorProfile')]: profile('AppArmor'),
  [c('WindowsSecurityContextOptions')]: windowsOpts,
  [c('PodSecurityContext')]: obj('Security options that apply to every container of a pod.', {
    seLinuxOptions: ref(c('SELinuxOptions'), 'SELinux context.'),
    windowsOptions: ref(c('WindowsSecurityContextOptions'), 'Windows options.'),
    runAsUser: int64('UID to run as.'),
    runAsGroup: int64('GID to run as.'),
    runAsNonRoot: bool('Refuse to start as UID 0.'),
    supplementalGroups: arrayOf({ type: 'integer', format: 'int64', default: 0 }, 'Extra GIDs of the processes.'),
    supplementalGroupsPolicy: str('Merge or Strict.'),
    fsGroup: int64('GID that owns mounted volumes.'),
    sysctls: arrayOf(ref(c('Sysctl')), 'Namespaced sysctls to set.'),
    fsGroupChangePolicy: str('OnRootMismatch or Always.'),
    seccompProfile: ref(c('SeccompProfile'), 'Seccomp profile.'),
    appArmorProfile: ref(c('AppArmorProfile'), 'AppArmor profile.'),
    seLinuxChangePolicy: str('MountOption or Recursive.'),
  }),
  [c('Sysctl')]: obj('A sysctl setting.', { name: str('Name.'), value: str('Value.') }, { required: ['name', 'value'] }),
  [c('Volume')]: obj('A named volume the containers can mount.', {
    name: str('Volume name (a DNS label), unique within the pod.'),
    hostPath: ref(c('HostPathVolumeSource'), 'A file or directory of the node.'),
    emptyDir: ref(c('EmptyDirVolumeSource'), 'A scratch directory that lives as long as the pod.'),
    secret: ref(c('SecretVolumeSource'), 'The keys of a Secret, as files.'),
    configMap: ref(c('ConfigMapVolumeSource'), 'The keys of a ConfigMap, as files.'),
    persistentVolumeClaim: ref(c('PersistentVolumeClaimVolumeSource'), 'A PersistentVolumeClaim in the namespace.'),
    downwardAPI: preserve('Pod fields as files.'),
    projected: preserve('Several sources projected into one directory.'),
    ...Object.fromEntries(OPAQUE_VOLUMES.map((k) => [k, preserve(`A ${k} volume; stored, not interpreted by kubesvc.`)])),
  }, { required: ['name'] }),
  [c('HostPathVolumeSource')]: obj('A path on the node.', {
    path: str('Path on the node.'),
    type: str('Expected kind of path, e.g. Directory or DirectoryOrCreate.'),
  }, { required: ['path'] }),
  [c('EmptyDirVolumeSource')]: obj('An empty directory.', {
    medium: str('"" for node storage or "Memory" for tmpfs.'),
    sizeLimit: quantity('Largest size the directory may reach.'),
  }),
  [c('SecretVolumeSource')]: obj('Files from a Secret.', {
    secretName: str('Name of the Secret.'),
    items: keyToPath,
    defaultMode: int32('Permission bits of the files; default 0644.'),
    optional: bool('Whether the Secret may be missing.'),
  }),
  [c('ConfigMapVolumeSource')]: obj('Files from a ConfigMap.', {
    name: str('Name of the ConfigMap.', { default: '' }),
    items: keyToPath,
    defaultMode: int32('Permission bits of the files; default 0644.'),
    optional: bool('Whether the ConfigMap may be missing.'),
  }),
  [c('KeyToPath')]: obj('Maps a key to a file.', {
    key: str('Key to project.'),
    path: str('Relative file path.'),
    mode: int32('Permission bits of this file.'),
  }, { required: ['key', 'path'] }),
  [c('PersistentVolumeClaimVolumeSource')]: obj('A reference to a claim.', {
    claimName: str('Name of the PersistentVolumeClaim.'),
    readOnly: bool('Mount read-only.'),
  }, { required: ['claimName'] }),
  [c('LocalObjectReference')]: obj('Names an object in the same namespace.', {
    name: str('Name of the referent.', { default: '' }),
  }, { mapType: 'atomic' }),
  [c('Affinity')]: obj('Affinity scheduling rules.', {
    nodeAffinity: preserve('Rules about the nodes the pod may run on.'),
    podAffinity: preserve('Rules to co-locate with other pods.'),
    podAntiAffinity: preserve('Rules to keep away from other pods.'),
  }),
  [c('Toleration')]: obj('Allows scheduling onto nodes with a matching taint.', {
    key: str('Taint key; empty matches all keys.'),
    operator: str('Exists or Equal.', { enum: ['Equal', 'Exists'] }),
    value: str('Taint value, for Equal.'),
    effect: str('NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
    tolerationSeconds: int64('How long a NoExecute taint is tolerated.'),
  }),
  [c('HostAlias')]: obj('An /etc/hosts entry.', { ip: str('IP address.'), hostnames: strs('Names for the address.') }, { required: ['ip'] }),
  [c('PodDNSConfig')]: obj('Extra resolver settings.', {
    nameservers: strs('Name server IPs.'),
    searches: strs('Search domains.'),
    options: arrayOf(ref(c('PodDNSConfigOption')), 'Resolver options.'),
  }),
  [c('PodDNSConfigOption')]: obj('One resolver option.', { name: str('Option name.'), value: str('Option value.') }),
  [c('PodReadinessGate')]: obj('An extra readiness condition.', {
    conditionType: str('Condition type that must be True.'),
  }, { required: ['conditionType'] }),
  [c('TopologySpreadConstraint')]: obj('Spreads matching pods across a topology.', {
    maxSkew: int32('Largest allowed difference in pod count between domains.'),
    topologyKey: str('Node label that defines a domain.'),
    whenUnsatisfiable: str('DoNotSchedule or ScheduleAnyway.'),
    labelSelector: ref(META + 'LabelSelector', 'Pods counted.'),
    minDomains: int32('Least number of eligible domains.'),
    nodeAffinityPolicy: str('Honor or Ignore.'),
    nodeTaintsPolicy: str('Honor or Ignore.'),
    matchLabelKeys: strs('Label keys whose values narrow labelSelector.'),
  }, { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] }),
  [c('PodOS')]: obj('Operating system of the pod.', { name: str('linux or windows.') }, { required: ['name'] }),
  [c('PodSchedulingGate')]: obj('A scheduling gate.', { name: str('Gate name.') }, { required: ['name'] }),
  [c('PodResourceClaim')]: obj('A dynamic resource claim of the pod.', {
    name: str('Name within the pod.'),
    resourceClaimName: str('Existing ResourceClaim.'),
    resourceClaimTemplateName: str('ResourceClaimTemplate to create a claim from.'),
  }, { required: ['name'] }),
  [c('PodResourceClaimStatus')]: obj('Generated claim name of a pod resource claim.', {
    name: str('Name within the pod.'),
    resourceClaimName: str('Generated ResourceClaim.'),
  }, { required: ['name'] }),
  [c('PodCondition')]: obj('One condition of a pod.', {
    type: str('Condition type, e.g. Ready.'),
    status: str('True, False or Unknown.'),
    lastProbeTime: time('When the condition was last probed.'),
    lastTransitionTime: time('When status last changed.'),
    reason: str('CamelCase reason for the last transition.'),
    message: str('Human-readable detail.'),
  }, { required: ['type', 'status'] }),
  [c('HostIP')]: obj('An IP of the node.', { ip: str('IP address.') }, { required: ['ip'] }),
  [c('PodIP')]: obj('An IP of the pod.', { ip: str('IP address.') }, { required: ['ip'] }),
  [c('ContainerStatus')]: obj('Observed state of one container.', {
    name: str('Container name.'),
    state: ref(c('ContainerState'), 'Current state.'),
    lastState: ref(c('ContainerState'), 'State of the previous run.'),
    ready: bool('Whether the readiness probe passes.'),
    restartCount: int32('Times the container restarted.'),
    image: str('Image the container runs.'),
    imageID: str('Resolved image identifier.'),
    containerID: str('Runtime identifier, <type>://<id>.'),
    started: bool('Whether the startup probe has passed.'),
    allocatedResources: resourceList('Resources allocated by the node.'),
    resources: ref(c('ResourceRequirements'), 'Resources actually configured.'),
  }, { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] }),
  [c('ContainerState')]: obj('One of waiting, running or terminated.', {
    waiting: ref(c('ContainerStateWaiting'), 'Not yet running.'),
    running: ref(c('ContainerStateRunning'), 'Running.'),
    terminated: ref(c('ContainerStateTerminated'), 'Ended.'),
  }),
  [c('ContainerStateWaiting')]: obj('Waiting to run.', { reason: str('Why it is waiting.'), message: str('Detail.') }),
  [c('ContainerStateRunning')]: obj('Running.', { startedAt: time('When it started.') }),
  [c('ContainerStateTerminated')]: obj('Ended.', {
    exitCode: int32('Exit status.'),
    signal: int32('Signal that ended it.'),
    reason: str('Why it ended.'),
    message: str('Detail.'),
    startedAt: time('When it started.'),
    finishedAt: time('When it ended.'),
    containerID: str('Runtime identifier, <type>://<id>.'),
  }, { required: ['exitCode'] }),
  [c('Binding')]: resource({ group: '', version: 'v1', kind: 'Binding' }, 'Binds a pod to a node.', {
    target: ref(c('ObjectReference'), 'The node to bind to.'),
  }, { required: ['target'] }),
};
