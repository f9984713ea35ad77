// Bulk-loads generated risks (each with one history point and its mitigations) for load tests
// and the benchmark, in chunks so memory stays flat at 100k+ rows.
import type { Db } from "../db/client";
import type { Clock } from "../domain/time";
import { refreshTodayTrend } from "../domain/trend";
import { INSERT_CHUNK } from "./chunks";
import { makeRisks } from "./demo-data";
import { rng } from "./random";

export async function bulkRisks(db: Db, count: number, clock: Clock, chunk = INSERT_CHUNK): Promise<void> {
  const r = rng(count);
  const now = clock.now();
  for (let done = 0; done < count; done += chunk) {
    const batch = makeRisks(r, Math.min(chunk, count - done), now);
    await db.$transaction(
      async (tx) => {
        const first = (await tx.risk.aggregate({ _max: { id: true } }))._max.id ?? 0;
        await tx.risk.createMany({ data: batch.map(({ history: _h, mitigations: _m, tags: _t, ...row }) => row) });
        const ids = (await tx.risk.findMany({ where: { id: { gt: first } }, select: { id: true }, orderBy: { id: "asc" } })).map(
          (x) => x.id,
        );
        if (ids.length !== batch.length) throw new Error(`expected ${batch.length} new risks, found ${ids.length}`);
        const idAt = (i: number) => ids[i]!;
        await tx.riskScoreHistory.createMany({ data: batch.map((b, i) => ({ riskId: idAt(i), score: b.score, recordedAt: b.openedAt })) });
        await tx.mitigation.createMany({ data: batch.flatMap((b, i) => b.mitigations.map((m) => ({ ...m, riskId: idAt(i) }))) });
      },
      { timeout: 120_000 },
    );
  }
  await db.$transaction((tx) => refreshTodayTrend(tx, now));
}
