// Seeds an empty database with the demo data set, in one transaction. Idempotent: a database
// that has any user is left alone, and on PostgreSQL a transaction-scoped advisory lock makes
// instances that start together seed once. The demo accounts' passwords are published (README),
// so a production start refuses to run while one of them still has its password.
import "server-only";
import { hashPassword, verifyPassword } from "../hashing/password";
import type { Db, Tx } from "../db/client";
import { lock, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { PERIODS, windowStart, type Period } from "../domain/quota/periods";
import { limitResolver } from "../domain/quota/quotas";
import { DAY_MS, type Clock } from "../domain/time";
import { refreshTodayTrend } from "../domain/trend";
import { chunks } from "./chunks";
import { makeRisks, trendDays } from "./demo-data";
import { rng, type Rng } from "./random";

export const DEMO_USERS = [
  { email: "admin@riskpulse.local", name: "Ada Admin", role: "admin", password: "riskpulse-admin" },
  { email: "analyst@riskpulse.local", name: "Ana Analyst", role: "analyst", password: "riskpulse-analyst" },
] as const;
export const DEMO_RISKS = 200;
export const COMMAND_TYPES = ["shell", "code", "test", "review"] as const;
export const DEFAULT_QUOTAS: { commandType: string; period: Period; limit: number }[] = [
  { commandType: "shell", period: "hourly", limit: 30 },
  { commandType: "shell", period: "daily", limit: 100 },
  { commandType: "code", period: "daily", limit: 200 },
  { commandType: "test", period: "hourly", limit: 50 },
  { commandType: "review", period: "weekly", limit: 250 },
  { commandType: "code", period: "monthly", limit: 3000 },
];
/** Stored for accounts nobody signs in with: no password verifies against it. */
export const NO_PASSWORD = "!no-password";

/**
 * The demo accounts the sign-in page lists while the demo seed is on (SEED_DEMO): those that
 * exist and are enabled. No password is checked here (a hash per page view would be an easy way
 * to load the server); a demo whose passwords were changed should turn SEED_DEMO off.
 */
export async function demoSignIns(db: Db): Promise<{ email: string; password: string; role: string }[]> {
  const rows = await db.user.findMany({
    where: { email: { in: DEMO_USERS.map((u) => u.email) }, disabled: false },
    select: { email: true },
  });
  const present = new Set(rows.map((r) => r.email));
  return DEMO_USERS.filter((u) => present.has(u.email)).map(({ email, password, role }) => ({ email, password, role }));
}

/** The demo accounts that still have their published password. */
export async function assertNoDemoPasswords(db: Db): Promise<string[]> {
  const found: string[] = [];
  for (const u of DEMO_USERS) {
    const row = await db.user.findUnique({ where: { email: u.email }, select: { passwordHash: true, disabled: true } });
    if (row && !row.disabled && (await verifyPassword(u.password, row.passwordHash)).ok) found.push(u.email);
  }
  return found;
}

export async function seedDemo(db: Db, flavor: DbFlavor, clock: Clock, opts: { risks?: number } = {}): Promise<boolean> {
  const now = clock.now();
  const r = rng(20261122);
  const risks = makeRisks(r, opts.risks ?? DEMO_RISKS, now);
  if ((await db.user.count()) > 0) return false;
  const demoHashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password)));
  return db.$transaction(
    async (tx) => {
      await lock(tx, flavor, LOCKS.seed);
      if ((await tx.user.count()) > 0) return false;

      await tx.user.createMany({
        data: DEMO_USERS.map((u, i) => ({ email: u.email, name: u.name, role: u.role, passwordHash: demoHashes[i]! })),
      });
      await tx.user.createMany({
        data: Array.from({ length: 20 }, (_, i) => ({
          email: `user${String(i + 1).padStart(2, "0")}@riskpulse.local`,
          name: `Team member ${i + 1}`,
          role: "analyst",
          passwordHash: NO_PASSWORD, // team members exist for the demo traffic; nobody signs in as them
        })),
      });
      for (const risk of risks) {
        const { history, mitigations, tags, ...row } = risk;
        await tx.risk.create({
          data: {
            ...row,
            history: { createMany: { data: history } },
            mitigations: { createMany: { data: mitigations } },
            tags: { createMany: { data: tags.map((tag) => ({ tag })) } },
          },
        });
      }
      for (const data of chunks(trendDays(risks, now))) await tx.riskTrendDay.createMany({ data });
      await refreshTodayTrend(tx, now);
      await seedQuotas(tx, r, now);
      await seedAcceptance(tx, now);
      return true;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** One pending acceptance request, the analyst's, for the admin to decide (README "Risk acceptance"). */
async function seedAcceptance(tx: Tx, now: Date) {
  const analyst = await tx.user.findUniqueOrThrow({ where: { email: DEMO_USERS[1].email } });
  const risk = await tx.risk.findFirst({ where: { status: "open", severity: "low" }, orderBy: [{ score: "asc" }, { id: "asc" }] });
  if (!risk) return;
  await tx.risk.update({ where: { id: risk.id }, data: { treatment: "accept", version: { increment: 1 } } });
  await tx.riskAcceptance.create({
    data: {
      riskId: risk.id,
      requestedById: analyst.id,
      justification: "Low score and cheaper to live with than to mitigate; revisit next quarter.",
      expiresAt: new Date(now.getTime() + 90 * DAY_MS),
      createdAt: now,
    },
  });
}

/** Default quotas, a few per-user overrides, and a week of command history under them. */
async function seedQuotas(tx: Tx, r: Rng, now: Date) {
  const users = await tx.user.findMany({ where: { email: { startsWith: "user" } }, orderBy: { id: "asc" } });
  await tx.commandQuota.createMany({ data: DEFAULT_QUOTAS.map((q) => ({ ...q, scope: "*" })) });
  const userAt = (i: number) => {
    const u = users[i];
    if (!u) throw new Error(`demo user ${i} missing`);
    return u;
  };
  const overrides = [
    { user: userAt(2), commandType: "shell", period: "daily" as Period, limit: 40 },
    { user: userAt(5), commandType: "code", period: "daily", limit: 400 },
    { user: userAt(7), commandType: "test", period: "hourly", limit: 10 },
  ] as const;
  await tx.commandQuota.createMany({
    data: overrides.map((o) => ({
      scope: String(o.user.id),
      userId: o.user.id,
      commandType: o.commandType,
      period: o.period,
      limit: o.limit,
    })),
  });

  const executions: { userId: number; commandType: string; allowed: boolean; executedAt: Date }[] = [];
  const violations: {
    userId: number;
    commandType: string;
    period: string;
    limit: number;
    attempted: number;
    message: string;
    createdAt: Date;
  }[] = [];
  const usage = new Map<string, number>();
  const limitOf = limitResolver(await tx.commandQuota.findMany());
  for (const [ui, user] of users.entries()) {
    const busy = ui % 6 === 0; // a few heavy users, near their limits today
    for (const commandType of COMMAND_TYPES) {
      const limits = PERIODS.map((period) => ({ period, limit: limitOf(user.id, commandType, period) })).filter(
        (l): l is { period: Period; limit: number } => l.limit !== undefined,
      );
      const times: number[] = [];
      for (let day = 6; day >= 0; day--) {
        const n = r.int(0, busy && day === 0 ? 90 : 25);
        for (let k = 0; k < n; k++) times.push(now.getTime() - day * DAY_MS - r.next() * (day === 0 ? 6 * 3_600_000 : DAY_MS));
      }
      for (const t of times.sort((a, b) => a - b)) {
        const at = new Date(t);
        const keys = limits.map((l) => ({ ...l, key: `${user.id}|${commandType}|${l.period}|${windowStart(l.period, at).toISOString()}` }));
        const allowed = keys.every((k) => (usage.get(k.key) ?? 0) < k.limit);
        if (allowed) for (const k of keys) usage.set(k.key, (usage.get(k.key) ?? 0) + 1);
        const over = keys.find((k) => (usage.get(k.key) ?? 0) >= k.limit && !allowed);
        if (over) {
          const message = `User exceeded ${over.period} ${commandType} quota`;
          violations.push({
            userId: user.id,
            commandType,
            period: over.period,
            limit: over.limit,
            attempted: over.limit + 1,
            message,
            createdAt: at,
          });
        }
        executions.push({ userId: user.id, commandType, allowed, executedAt: at });
      }
    }
  }
  for (const data of chunks(executions)) await tx.commandExecution.createMany({ data });
  for (const data of chunks(violations)) await tx.violation.createMany({ data });
  const counters = [...usage].map(([key, count]) => {
    const [userId, commandType, period, start] = key.split("|") as [string, string, string, string];
    return { userId: Number(userId), commandType, period, windowStart: new Date(start), count };
  });
  for (const data of chunks(counters)) await tx.quotaUsage.createMany({ data });
}
