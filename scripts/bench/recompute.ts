// The dashboard's cost at size, in-process on its own scratch database: the full recompute (the
// read every snapshot can be rebuilt from) and one risk change turned into a patch (incremental).
import { dist } from "./stats";

/** Full recompute at each size, and the cost of one risk change turned into a patch (in-process, own database). */
export async function recompute(flavor: "sqlite" | "postgres", sizes: number[], log: (s: string) => void) {
  log("recompute…");
  const { scratchDatabase } = await import("../../lib/db/scratch");
  const { migrate } = await import("../../lib/db/migrate");
  const { createDb } = await import("../../lib/db/client");
  const { bulkRisks } = await import("../../lib/seed/bulk");
  const { buildSnapshot, readDueSoonest, readFigures, readTopRisks } = await import("../../lib/domain/dashboard/snapshot");
  const { IncrementalDashboard } = await import("../../lib/domain/dashboard/incremental");
  const { diffSnapshots } = await import("../../lib/realtime/dashboard/snapshot-diff");
  const { createRiskService } = await import("../../lib/domain/risks");
  const { SYSTEM } = await import("../../lib/domain/audit");
  const { systemClock } = await import("../../lib/domain/time");
  const scratch = await scratchDatabase(flavor, "bench");
  await migrate(scratch.url);
  const rdb = createDb(scratch.url);
  const events: any[] = [];
  const risks = createRiskService({ db: rdb, events: { publish: (e) => events.push(e) }, clock: systemClock, flavor });
  const rows = [];
  let loaded = 0;
  for (const n of sizes) {
    await bulkRisks(rdb, n - loaded, systemClock, 5000);
    loaded = n;
    const full: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      buildSnapshot((await readFigures(rdb, new Date(), flavor)).figures, new Date());
      full.push(performance.now() - t);
    }
    // One risk change at a time: apply its event, build the snapshot, diff it into a patch.
    const inc = new IncrementalDashboard({ topRisks: () => readTopRisks(rdb), dueSoonest: () => readDueSoonest(rdb) });
    const start = await readFigures(rdb, new Date(), flavor);
    inc.load(start.figures, start.seq, new Date());
    let prev = buildSnapshot(start.figures, new Date());
    const ids = (await rdb.risk.findMany({ where: { status: "open" }, select: { id: true }, orderBy: { score: "asc" }, take: 20 })).map(
      (r) => r.id,
    );
    const change: number[] = [];
    for (const [i, id] of ids.entries()) {
      events.length = 0;
      await risks.update(id, { likelihood: 0.05 + (i % 10) / 20 }, SYSTEM);
      const t = performance.now();
      const next = buildSnapshot(await inc.apply(events.splice(0)), new Date());
      diffSnapshots(prev, next);
      change.push(performance.now() - t);
      prev = next;
    }
    rows.push({ risks: n, full_ms: dist(full.slice(2)), one_change_to_patch_ms: dist(change.slice(2)) });
  }
  await rdb.$disconnect();
  await scratch.drop();
  return rows;
}
