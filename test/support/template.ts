// Run once by `npm test` before the suites (`node … test/support/template.ts <flavor>`): makes a
// database migrated and seeded with the demo data set, and prints where it is. Every test server
// that would seed the demo data starts from a copy of it instead (a file copy on SQLite,
// CREATE DATABASE … TEMPLATE on PostgreSQL): seeding hashes the demo passwords and writes a few
// thousand rows, seconds per server otherwise. `npm test` drops it at the end.
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { scratchDatabase } from "../../lib/db/scratch";
import type { DbFlavor } from "../../lib/db/url";
import { systemClock } from "../../lib/domain/time";
import { seedDemo } from "../../lib/seed/seed-demo";

async function main(flavor: DbFlavor) {
  const scratch = await scratchDatabase(flavor, "template", { asyncCommit: true });
  await migrate(scratch.url);
  const db = createDb(scratch.url);
  try {
    if (!(await seedDemo(db, flavor, systemClock))) throw new Error("the template database was not empty");
  } finally {
    await db.$disconnect();
  }
  console.log(scratch.url);
}

if (process.argv[1]?.endsWith("template.ts")) {
  const flavor = process.argv[2] as DbFlavor;
  main(flavor).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
