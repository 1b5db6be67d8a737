// Checks before `up`/`down`/`client` touch anything: root, and the programs.
import { findProgram } from './ip.js';

export interface Programs { ip: string; nft: string }

export function preflight(): Programs {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('must run as root: it creates network namespaces, veths and a bridge (try sudo)');
  }
  const ip = findProgram('ip');
  if (!ip) throw new Error('the `ip` command was not found: install the Debian package iproute2 (apt-get install iproute2)');
  const nft = findProgram('nft');
  if (!nft) throw new Error('the `nft` command was not found: install the Debian package nftables (apt-get install nftables)');
  return { ip, nft };
}
