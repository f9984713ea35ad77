// Large inserts go in slices: Prisma's query compiler (WebAssembly) grows its memory to fit the
// biggest query it has built and never gives it back, so one 10,000-row createMany would cost
// the server tens of MB of RSS for the rest of its life.
export const INSERT_CHUNK = 500;

export function* chunks<T>(rows: readonly T[], size = INSERT_CHUNK): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
