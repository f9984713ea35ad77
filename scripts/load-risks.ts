// Adds N generated risks to the database at DATABASE_URL (migrating it first).
//   DATABASE_URL=file:data/riskpulse.db npx tsx scripts/load-risks.ts 100000
import { createDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { systemClock } from "../lib/domain/time";
import { bulkRisks } from "../lib/seed/bulk";

async function main() {
  const n = Number(process.argv[2] ?? 10_000);
  const url = process.env.DATABASE_URL ?? "file:data/riskpulse.db";
  await migrate(url);
  const db = createDb(url);
  const t = Date.now();
  await bulkRisks(db, n, systemClock);
  console.log(`loaded ${n} risks in ${((Date.now() - t) / 1000).toFixed(1)}s; total ${await db.risk.count()}`);
  await db.$disconnect();
}
void main();
