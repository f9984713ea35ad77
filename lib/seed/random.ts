// A small seeded PRNG (mulberry32): demo data is the same on every machine and every run.
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => Math.floor(lo + (hi - lo + 1) * next()),
    pick: <T>(xs: readonly T[]): T => {
      if (xs.length === 0) throw new Error("pick from an empty list");
      return xs[Math.floor(next() * xs.length)]!;
    },
  };
}
export type Rng = ReturnType<typeof rng>;
