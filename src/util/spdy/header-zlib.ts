// SPDY/3 compresses every header block of one direction of a connection with a
// single zlib stream primed with the SPDY dictionary, each block ending in a
// sync flush. One context per direction; blocks are processed strictly in
// order, so callers may start several at once.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

class HeaderZlib {
  private out: Buffer[] = [];
  private failed: Error | undefined;
  private readonly pending = new Set<(e: Error) => void>();

  constructor(private readonly z: Deflate | Inflate) {
    z.on('data', (c: Buffer) => this.out.push(c));
    // A failed stream never calls back its flushes: fail whoever waits.
    z.on('error', (e: Error) => {
      this.failed = e;
      for (const reject of this.pending) reject(e);
      this.pending.clear();
    });
  }

  /** One block through the stream; zlib runs writes and flushes in order, so each flush collects exactly its block's output. */
  run(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.pending.add(reject);
      this.z.write(block);
      this.z.flush(constants.Z_SYNC_FLUSH, () => {
        this.pending.delete(reject);
        if (this.failed) return reject(this.failed);
        const r = Buffer.concat(this.out);
        this.out = [];
        resolve(r);
      });
    });
  }

  close(): void {
    this.z.destroy();
    for (const reject of this.pending) reject(new Error('header compression closed'));
    this.pending.clear();
  }
}

export class HeaderDecompressor extends HeaderZlib {
  constructor() { super(createInflate({ dictionary: SPDY3_DICTIONARY })); }
}

export class HeaderCompressor extends HeaderZlib {
  constructor() { super(createDeflate({ dictionary: SPDY3_DICTIONARY })); }
}
