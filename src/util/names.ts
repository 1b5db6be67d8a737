// Random name suffixes as Kubernetes' generateName and pod-template-hash use:
// consonants and digits only, so generated names never spell words.
import { randomInt } from 'node:crypto';

export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHABET[randomInt(SAFE_ALPHABET.length)];
  return s;
}
