// The hot path of POST /api/v1/commands: recording an allowed command — every applicable quota
// counter incremented and the execution stored, atomically — through the database driver with
// prepared statements, not the ORM (whose per-query planning cost more than the rest of the
// request). Same SQL semantics as before: each counter is an INSERT … ON CONFLICT DO UPDATE that
// sets NULL at the limit; NULL violates NOT NULL and aborts the whole write, counting nothing.
//   SQLite: its own connection to the file; the statements run in one synchronous transaction
//     (microseconds; the write lock is never held across an await).
//   PostgreSQL: one statement per quota count (CTEs), prepared once per connection by name: one
//     round trip per command.
import "server-only";
import Database from "better-sqlite3";
import pg from "pg";
import { sqlitePath, type DbFlavor } from "../../db/url";
import { windowStart, type Period } from "./periods";

export type Quota = { period: Period; limit: number };

export interface CommandRecorder {
  /** Counts after the increments; throws QuotaRefusal when a quota is at its limit. */
  recordAllowed(userId: number, commandType: string, quotas: Quota[], at: Date): Promise<number[]>;
  close(): Promise<void>;
}

/** A quota refused the command: nothing was written. */
export class QuotaRefusal extends Error {
  constructor() {
    super("quota limit reached");
  }
}

/** One counter: a first use inserts 1; after that +1 while below the limit, else NULL (refusal). */
const upsert = (
  values: string,
  limit: string,
) => `INSERT INTO "QuotaUsage" ("userId", "commandType", "period", "windowStart", "count") VALUES ${values}
  ON CONFLICT ("userId", "commandType", "period", "windowStart")
  DO UPDATE SET "count" = CASE WHEN "QuotaUsage"."count" < ${limit} THEN "QuotaUsage"."count" + 1 ELSE NULL END
  RETURNING "count"`;

function sqliteRecorder(url: string, timeoutMs: number): CommandRecorder {
  const db = new Database(sqlitePath(url), { timeout: timeoutMs });
  db.pragma("synchronous = NORMAL");
  const increment = db.prepare<[number, string, string, string, number]>(upsert("(?, ?, ?, ?, 1)", "?"));
  const execution = db.prepare<[number, string, string]>(
    `INSERT INTO "CommandExecution" ("userId", "commandType", "allowed", "executedAt") VALUES (?, ?, 1, ?)`,
  );
  const write = db.transaction((userId: number, commandType: string, quotas: Quota[], at: Date) => {
    // Prisma stores SQLite DateTimes as ISO-8601 text in UTC (with a +00:00 offset).
    const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");
    const counts = quotas.map(
      (q) => (increment.get(userId, commandType, q.period, iso(windowStart(q.period, at)), q.limit) as { count: number }).count,
    );
    execution.run(userId, commandType, iso(at));
    return counts;
  });
  return {
    async recordAllowed(userId, commandType, quotas, at) {
      try {
        return write(userId, commandType, quotas, at);
      } catch (e) {
        if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_NOTNULL") throw new QuotaRefusal();
        throw e;
      }
    },
    async close() {
      db.close();
    },
  };
}

function pgRecorder(url: string, opts: { timeoutMs: number; connectTimeoutMs: number; poolSize: number }): CommandRecorder {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    query_timeout: opts.timeoutMs,
    statement_timeout: opts.timeoutMs,
    keepAlive: true,
  });
  pool.on("error", () => undefined); // an idle connection dropped: the pool replaces it
  const text = new Map<number, string>();
  /** The statement for n quotas: n upserts and the execution in one statement, counts returned. */
  const statement = (n: number) => {
    let s = text.get(n);
    if (!s) {
      const ctes = Array.from(
        { length: n },
        (_, i) => `u${i} AS (${upsert(`($1, $2, $${4 + 3 * i}, $${5 + 3 * i}, 1)`, `$${6 + 3 * i}`)})`,
      );
      ctes.push(
        `e AS (INSERT INTO "CommandExecution" ("userId", "commandType", "allowed", "executedAt") VALUES ($1, $2, true, $3) RETURNING "id")`,
      );
      const cols = [...Array.from({ length: n }, (_, i) => `(SELECT "count" FROM u${i}) AS c${i}`), `(SELECT "id" FROM e) AS e`];
      s = `WITH ${ctes.join(",\n")} SELECT ${cols.join(", ")}`;
      text.set(n, s);
    }
    return s;
  };
  return {
    async recordAllowed(userId, commandType, quotas, at) {
      // Prisma keeps UTC in "timestamp without time zone": send UTC text, never the driver's local-time Date.
      const values: unknown[] = [userId, commandType, at.toISOString()];
      for (const q of quotas) values.push(q.period, windowStart(q.period, at).toISOString(), q.limit);
      try {
        const r = await pool.query({ name: `record-command-${quotas.length}`, text: statement(quotas.length), values });
        const row = r.rows[0] as Record<string, number>;
        return quotas.map((_, i) => Number(row[`c${i}`]));
      } catch (e) {
        if ((e as { code?: string }).code === "23502") throw new QuotaRefusal(); // not_null_violation
        throw e;
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * The command recorder for the database at `url` (prepared statements on its own connection):
 * records an allowed command with every quota count, all or nothing (see the file comment).
 */
export function createCommandRecorder(
  url: string,
  flavor: DbFlavor,
  opts: { timeoutMs: number; connectTimeoutMs: number; poolSize: number },
): CommandRecorder {
  return flavor === "postgres" ? pgRecorder(url, opts) : sqliteRecorder(url, opts.timeoutMs);
}
