// A bitmap allocator over offsets [0, max), after Kubernetes'
// pkg/registry/core/service/allocator (AllocationBitmap with the
// random-scan-with-offset strategy). Dynamic picks start at a random point in
// [offset, max) and wrap; only when that upper part is full do they scan
// [0, offset). The lower part is thus left for requested values (a Service that
// asks for 10.96.0.10 or nodePort 30007 finds it free).

/** Random integer in [0, n). Injected so tests are deterministic. */
export type Rng = (n: number) => number;
export const mathRandom: Rng = (n) => Math.floor(Math.random() * n);

export class Bitmap {
  readonly #bits: Uint8Array;
  #count = 0;

  constructor(readonly max: number, readonly offset = 0) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`invalid bitmap size ${max}`);
    this.#bits = new Uint8Array(Math.ceil(max / 8));
    this.offset = Math.min(Math.max(0, offset), max);
  }

  has(i: number): boolean {
    return i >= 0 && i < this.max && (this.#bits[i >> 3] & (1 << (i & 7))) !== 0;
  }

  /** Reserve offset i. False when taken or outside the range. */
  allocate(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.max || this.has(i)) return false;
    this.#bits[i >> 3] |= 1 << (i & 7);
    this.#count++;
    return true;
  }

  /** Releasing a free or out-of-range offset is a no-op, as in Kubernetes. */
  release(i: number): void {
    if (!this.has(i)) return;
    this.#bits[i >> 3] &= ~(1 << (i & 7));
    this.#count--;
  }

  /** A free offset the next dynamic allocation would take, without taking it. */
  findNext(rng: Rng = mathRandom, skip?: (i: number) => boolean): number | undefined {
    if (this.#count >= this.max) return undefined;
    return this.#scan(this.offset, this.max, rng, skip) ?? this.#scan(0, this.offset, rng, skip);
  }

  allocateNext(rng: Rng = mathRandom, skip?: (i: number) => boolean): number | undefined {
    const i = this.findNext(rng, skip);
    if (i !== undefined) this.allocate(i);
    return i;
  }

  #scan(lo: number, hi: number, rng: Rng, skip?: (i: number) => boolean): number | undefined {
    const size = hi - lo;
    if (size <= 0) return undefined;
    const start = rng(size);
    for (let k = 0; k < size; k++) {
      const i = lo + ((start + k) % size);
      if (!this.has(i) && !skip?.(i)) return i;
    }
    return undefined;
  }

  get used(): number {
    return this.#count;
  }

  get free(): number {
    return this.max - this.#count;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let byte = 0; byte < this.#bits.length; byte++) {
      if (this.#bits[byte] === 0) continue;
      for (let b = 0; b < 8; b++) if (this.#bits[byte] & (1 << b)) yield byte * 8 + b;
    }
  }

  clear(): void {
    this.#bits.fill(0);
    this.#count = 0;
  }

  /** Base64 of the bit array (bit i of byte i>>3 is offset i), for persistence. */
  snapshot(): string {
    let s = '';
    for (let i = 0; i < this.#bits.length; i += 0x8000) s += String.fromCharCode(...this.#bits.subarray(i, i + 0x8000));
    return btoa(s);
  }

  restore(data: string): void {
    const raw = atob(data);
    if (raw.length !== this.#bits.length) throw new RangeError(`snapshot holds ${raw.length} bytes, the range needs ${this.#bits.length}`);
    this.clear();
    for (let i = 0; i < raw.length; i++) this.#bits[i] = raw.charCodeAt(i);
    // Bits past max in the last byte are not offsets; drop them.
    for (let i = this.max; i < this.#bits.length * 8; i++) this.#bits[i >> 3] &= ~(1 << (i & 7));
    for (let i = 0; i < this.#bits.length; i++) for (let b = this.#bits[i]; b; b &= b - 1) this.#count++;
  }
}

/**
 * Kubernetes' calculateRangeOffset: min(max(lo, size/step), hi), 0 for tiny
 * ranges. IP ranges use (16, 256, 16), port ranges (16, 128, 32).
 */
export function rangeOffset(size: number, lo: number, hi: number, step: number): number {
  if (size <= lo) return 0;
  return Math.min(Math.max(lo, Math.floor(size / step)), hi);
}
