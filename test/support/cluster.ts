// Several RiskPulse instances as separate processes on one fresh PostgreSQL database and one Redis
// key prefix of their own (so parallel runs and leftovers never mix), for the cluster suites.
// Redis is the machine's (TEST_REDIS_URL, default localhost:6379), reached directly or through a
// proxy the test owns; only this run's keys are ever deleted.
import crypto from "node:crypto";
import { createClient } from "redis";
import { scratchDatabase } from "../../lib/db/scratch";
import { TEMPLATE_ENV } from "./flavor";
import { startServer, type TestServer } from "./server";

export const redisUrl = () => process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface TestCluster {
  nodes: TestServer[];
  prefix: string;
  databaseUrl: string;
  /** Env every instance shares (pass to start one more). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCluster(
  n: number,
  opts: { env?: Record<string, string>; redisVia?: (url: string) => string } = {},
): Promise<TestCluster> {
  const seeds = (opts.env?.SEED_DEMO ?? "1") === "1";
  const db = await scratchDatabase("postgres", "cluster", {
    template: seeds ? process.env[TEMPLATE_ENV.postgres] : undefined,
    asyncCommit: true,
  });
  const prefix = `rp-test-${crypto.randomBytes(4).toString("hex")}`;
  const env = {
    REDIS_URL: opts.redisVia ? opts.redisVia(redisUrl()) : redisUrl(),
    REDIS_PREFIX: prefix,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
    LEADER_LEASE_MS: "2000",
    ...opts.env,
  };
  const nodes: TestServer[] = [];
  try {
    // One at a time: the first migrates and seeds, the next find it done.
    for (let i = 0; i < n; i++)
      nodes.push(await startServer({ databaseUrl: db.url, env: { ...env, INSTANCE_ID: `node-${String.fromCharCode(97 + i)}` } }));
  } catch (e) {
    await Promise.all(nodes.map((s) => s.stop()));
    await db.drop();
    throw e;
  }
  return {
    nodes,
    prefix,
    databaseUrl: db.url,
    env,
    async stop() {
      await Promise.all(nodes.map((s) => s.stop().catch(() => undefined)));
      await db.drop().catch(() => undefined);
      await deleteKeys(prefix);
    },
  };
}

/** Removes this run's keys (SCAN + DEL under its prefix; never FLUSHALL). */
export async function deleteKeys(prefix: string) {
  const c = createClient({ url: redisUrl(), RESP: 2 });
  await c.connect();
  try {
    let cursor = "0";
    do {
      const [next, found] = (await c.sendCommand(["SCAN", cursor, "MATCH", `${prefix}:*`, "COUNT", "500"])) as [string, string[]];
      cursor = next;
      if (found.length) await c.sendCommand(["DEL", ...found]);
    } while (cursor !== "0");
  } finally {
    await c.close();
  }
}
