// Liveness and readiness, kept apart: /api/health answers as long as the process does (a
// database outage must not get a healthy process restarted); /api/ready says whether this
// instance should get traffic — its database (and Redis, in cluster mode) answer, and it is not
// shutting down. Checks are bounded in time and cached for a second.
import "server-only";
import type { Db } from "./db/client";

export interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const t0 = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    // Never the driver's text: it can name hosts and ports.
    const msg = (err as Error).message?.startsWith("no answer within") ? (err as Error).message : "unreachable";
    return { ok: false, ms: Math.round(performance.now() - t0), error: msg };
  }
}

/** Readiness checks (database, Redis in cluster mode) and the draining flag shutdown sets. */
export function createHealth(deps: { db: Db; cluster: { ping(): Promise<unknown> } | null }) {
  let draining = false;
  let cached: { at: number; value: Promise<{ database: Check; redis?: Check }> } | null = null;
  const checks = () => {
    if (cached && Date.now() - cached.at < 1000) return cached.value;
    const value = (async () => {
      const [database, redis] = await Promise.all([
        timed(() => deps.db.$queryRawUnsafe("SELECT 1"), 1500),
        deps.cluster ? timed(() => deps.cluster!.ping(), 1500) : Promise.resolve(undefined),
      ]);
      return redis ? { database, redis } : { database };
    })();
    cached = { at: Date.now(), value };
    return value;
  };
  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    async ready() {
      const c = await checks();
      const ok = c.database.ok && (c.redis?.ok ?? true);
      return { status: draining ? "draining" : ok ? "ok" : "degraded", ready: ok && !draining, checks: c };
    },
  };
}
export type Health = ReturnType<typeof createHealth>;
