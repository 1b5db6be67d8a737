/** A seeded LCG so random scans in tests are reproducible. */
export const seeded = (seed = 1) => (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
