// Demo traffic: on a database holding the demo data, a gentle simulator makes the product move
// so a newcomer sees it live within the first minute — a risk rescored every few seconds (a
// dashboard patch), mitigations progressing, and commands for demo users, one of whom runs into
// their hourly limit (violations, then an alert toast). It acts only through the services real
// users go through (quotas, audit log, event bus), as the actor "demo traffic". Only the leader
// runs it (cluster mode); DEMO_TRAFFIC=0 turns it off.
import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../domain/audit";
import { DAY_MS, type Clock } from "../domain/time";
import type { Logger } from "../log";

export const DEMO_ACTOR: Actor = { id: null, label: "demo traffic" };
const DEMO_DOMAIN = "@riskpulse.local";

interface Services {
  risks: { update(id: number, patch: { likelihood: number }, actor: Actor): Promise<unknown> };
  mitigations: {
    update(id: number, patch: { completion_percent: number; status: "in_progress" | "completed" }, actor: Actor): Promise<unknown>;
    create(
      input: { risk_id: number; title: string; status: "not_started"; completion_percent: number; due_date: Date },
      actor: Actor,
    ): Promise<unknown>;
  };
  commands: { execute(user: { id: number; name: string }, commandType: string): Promise<{ allowed: boolean }> };
}

/** True when the demo seeder's accounts are in the database (the simulator has someone to act as). */
export async function hasDemoData(db: Db): Promise<boolean> {
  return (await db.user.count({ where: { email: { endsWith: DEMO_DOMAIN }, role: "analyst" } })) > 1;
}

export function createDemoTraffic(deps: Services & { db: Db; clock: Clock; log: Logger; intervalMs?: number; random?: () => number }) {
  const { db, log } = deps;
  const random = deps.random ?? Math.random;
  const intervalMs = deps.intervalMs ?? 3000;
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  let timer: NodeJS.Timeout | null = null;
  let ticks = 0;
  let busy = false;

  /** A risk's likelihood nudged up or down: its score, the averages and maybe the top 10 move. */
  async function rescoreRisk() {
    const open = await db.risk.findMany({
      where: { status: "open" },
      select: { id: true, likelihood: true },
      take: 50,
      orderBy: { id: "asc" },
    });
    const r = pick(open);
    if (!r) return;
    const step = (random() < 0.5 ? -1 : 1) * (0.05 + random() * 0.1);
    const likelihood = Math.round(Math.min(1, Math.max(0.05, r.likelihood + step)) * 100) / 100;
    await deps.risks.update(r.id, { likelihood }, DEMO_ACTOR);
  }

  /** An open mitigation makes progress; a completed one is replaced by new work on an open risk. */
  async function progressMitigation() {
    const open = await db.mitigation.findMany({
      where: { status: { not: "completed" } },
      select: { id: true, completionPercent: true },
      take: 50,
      orderBy: { dueDate: "asc" },
    });
    const m = pick(open);
    if (!m) return;
    const completion = Math.min(100, m.completionPercent + 10 + Math.floor(random() * 15));
    await deps.mitigations.update(
      m.id,
      { completion_percent: completion, status: completion === 100 ? "completed" : "in_progress" },
      DEMO_ACTOR,
    );
    if (completion < 100) return;
    const risk = pick(await db.risk.findMany({ where: { status: "open" }, select: { id: true }, take: 50 }));
    if (risk)
      await deps.mitigations.create(
        {
          risk_id: risk.id,
          title: pick(["Review access rights", "Add monitoring", "Run a recovery drill", "Patch and verify"])!,
          status: "not_started",
          completion_percent: 0,
          due_date: new Date(deps.clock.now().getTime() + (7 + Math.floor(random() * 21)) * DAY_MS),
        },
        DEMO_ACTOR,
      );
  }

  /** Ordinary commands for a few demo users, and the one with the tightest hourly limit pushing it. */
  async function runCommands() {
    const users = await db.user.findMany({
      where: { email: { endsWith: DEMO_DOMAIN }, role: "analyst", disabled: false },
      select: { id: true, name: true },
    });
    const someone = pick(users);
    if (someone) await deps.commands.execute(someone, pick(["code", "review", "shell"])!);
    const tight = await db.commandQuota.findFirst({
      where: { period: "hourly", user: { email: { endsWith: DEMO_DOMAIN }, disabled: false } },
      orderBy: { limit: "asc" },
      select: { commandType: true, user: { select: { id: true, name: true } } },
    });
    // Two a tick at first (over the limit within a minute), then now and then.
    const n = ticks <= 12 ? 2 : random() < 0.3 ? 1 : 0;
    for (let i = 0; i < n && tight?.user; i++) await deps.commands.execute(tight.user, tight.commandType);
  }

  async function tick() {
    ticks++;
    await rescoreRisk();
    if (ticks % 2 === 0) await progressMitigation();
    await runCommands();
  }

  return {
    /** One step now (tests). */
    tick,
    get active() {
      return timer !== null;
    },
    setActive(active: boolean) {
      if (!active) {
        if (timer) clearInterval(timer);
        timer = null;
        return;
      }
      if (timer) return;
      log.info({ intervalMs }, "demo traffic: simulating users (DEMO_TRAFFIC=0 turns it off)");
      timer = setInterval(() => {
        if (busy) return; // a slow database: skip rather than pile up
        busy = true;
        tick()
          .catch((err: unknown) => log.warn({ err }, "demo traffic step failed"))
          .finally(() => (busy = false));
      }, intervalMs);
      timer.unref();
    },
  };
}
export type DemoTraffic = ReturnType<typeof createDemoTraffic>;
