// A migrated scratch database of the flavor under test (TEST_DB=sqlite|postgres), with a client.
import { createDb, type Db } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { scratchDatabase } from "../../lib/db/scratch";
import type { DbFlavor } from "../../lib/db/url";
import type { Clock } from "../../lib/domain/time";
import { flavor } from "./flavor";

export { flavor };

export async function testDb(label = "unit"): Promise<{ db: Db; url: string; flavor: DbFlavor; close(): Promise<void> }> {
  const scratch = await scratchDatabase(flavor, label, { asyncCommit: true });
  await migrate(scratch.url);
  const db = createDb(scratch.url);
  return {
    db,
    url: scratch.url,
    flavor,
    async close() {
      await db.$disconnect();
      await scratch.drop();
    },
  };
}

/** A clock the test moves by hand. */
export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (v) => (now = new Date(v)) };
}
