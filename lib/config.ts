// Every setting the server reads, validated once at start-up so a typo fails loudly
// instead of silently falling back. Documented in README.md ("Configuration").
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));
const ms = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default("data"),
  DATABASE_URL: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: ms(10_000),
  DASHBOARD_TICK_MS: ms(30_000),
  DASHBOARD_COALESCE_MS: z.coerce.number().int().min(0).default(50),
  REFRESH_RATE_LIMIT: z.coerce.number().int().positive().default(5), // refreshes per window per client
  REFRESH_RATE_WINDOW_MS: ms(10_000),
  MESSAGE_LOG_SIZE: z.coerce.number().int().positive().default(1000),
  RECOVERY_WINDOW_MS: ms(120_000),
  // Transport heartbeat: a client silent for PING_INTERVAL_MS + PING_TIMEOUT_MS (30 s) is dropped.
  PING_INTERVAL_MS: ms(10_000),
  PING_TIMEOUT_MS: ms(20_000),
  STATS_INTERVAL_MS: ms(5_000),
  SSE_HEARTBEAT_MS: ms(15_000),
  SSE_RETRY_MS: ms(3_000),
  HEARTBEAT_INTERVAL_MS: ms(10_000),
  ALERT_RULES: z.string().default("3:warning,5:critical"),
  MAX_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  SLOW_CLIENT_MAX_QUEUE: z.coerce.number().int().positive().default(200), // messages queued for one client
  ENABLE_TEST_ENDPOINTS: bool.optional(),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  const databaseUrl = c.DATABASE_URL ?? `file:${path.join(dataDir, "riskpulse.db")}`;
  const production = c.NODE_ENV === "production";
  return {
    ...c,
    production,
    dataDir,
    databaseUrl,
    // Demo data is seeded into an empty database unless turned off explicitly.
    seedDemo: c.SEED_DEMO ?? true,
    testEndpoints: c.ENABLE_TEST_ENDPOINTS ?? !production,
  };
}
