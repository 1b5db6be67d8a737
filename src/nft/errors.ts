// Errors from nft carry a stable code, as knftables' IsNotFound/IsAlreadyExists.
export type NftErrorCode = 'NotFound' | 'AlreadyExists' | 'Busy' | 'Invalid' | 'Failed';

export class NftError extends Error {
  constructor(readonly code: NftErrorCode, message: string) {
    super(message);
    this.name = 'NftError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof NftError && e.code === 'NotFound';
export const isAlreadyExists = (e: unknown): boolean => e instanceof NftError && e.code === 'AlreadyExists';

/** Maps the kernel's errno text in nft's stderr to a code. */
export function codeFromStderr(stderr: string): NftErrorCode {
  if (/No such file or directory/.test(stderr)) return 'NotFound';
  if (/File exists/.test(stderr)) return 'AlreadyExists';
  if (/Device or resource busy/.test(stderr)) return 'Busy';
  if (/syntax error|Error: /.test(stderr)) return 'Invalid';
  return 'Failed';
}
