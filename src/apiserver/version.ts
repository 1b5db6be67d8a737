// /version: kubectl's dispatcher picks its client minor from this (see KUBECTL-WIRE.md).
export const KUBE_MINOR = '32';

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: KUBE_MINOR,
    gitVersion: `v1.${KUBE_MINOR}.0`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-12-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'kubesvc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
