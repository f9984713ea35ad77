// The dashboard's change sequence: every risk or mitigation write takes the next number in its
// own transaction, and its event carries it. A full recompute reads the current number in the
// same snapshot as its figures, so exactly the events after it remain to be applied.
import type { Tx } from "../../db/client";

export async function nextDashboardSeq(tx: Tx): Promise<number> {
  const row = await tx.changeCounter.update({ where: { name: "dashboard" }, data: { value: { increment: 1 } } });
  return row.value;
}

export async function currentDashboardSeq(tx: Tx): Promise<number> {
  return (await tx.changeCounter.findUnique({ where: { name: "dashboard" } }))?.value ?? 0;
}
