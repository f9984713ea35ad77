// Every setting the server reads, validated once at start-up so a typo fails loudly instead of
// silently falling back. This is the only module that reads process.env (the lint gate enforces
// it). Documented in README.md ("Configuration").
import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * ALERT_RULES: the alert rules seeded into a database that never had any (README "Alerts"): N
 * violations by one user in a day raise an alert of a severity, written
 * "3:warning,5:critical" → rules (the shape of the domain's AlertRule); throws on anything else.
 * Parsed here, inside the configuration schema, so a bad value is reported with every other one.
 */
export function parseAlertRules(spec: string): { count: number; severity: "warning" | "critical" }[] {
  return spec.split(",").map((part) => {
    const m = /^\s*(\d+)\s*:\s*(warning|critical)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1) throw new Error(`"${part}" is not <count>:<warning|critical>`);
    return { count: Number(m[1]), severity: m[2] as "warning" | "critical" };
  });
}

/** Days until the next review by severity, the default of REVIEW_CADENCE_DAYS. */
export const DEFAULT_REVIEW_CADENCE = { critical: 30, high: 60, medium: 90, low: 180 } as const;
export type ReviewCadence = Record<keyof typeof DEFAULT_REVIEW_CADENCE, number>;

/**
 * REVIEW_CADENCE_DAYS written "critical:30,high:60,medium:90,low:180"; severities left out keep
 * their default. Throws on anything else (reported with the other settings).
 */
export function parseReviewCadence(spec: string): ReviewCadence {
  const out: ReviewCadence = { ...DEFAULT_REVIEW_CADENCE };
  for (const part of spec.split(",").filter((p) => p.trim() !== "")) {
    const m = /^\s*(critical|high|medium|low)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 3650) throw new Error(`"${part}" is not <severity>:<days 1-3650>`);
    out[m[1] as keyof ReviewCadence] = Number(m[2]);
  }
  return out;
}

const bool = z.enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""]).transform((v) => ["1", "true", "yes", "on"].includes(v));
const ms = (def: number) => z.coerce.number().int().positive().default(def);
const count = (def: number) => z.coerce.number().int().positive().default(def);
const emptyAsUnset = (v: unknown) => (v === "" ? undefined : v);
// How many reverse proxies of ours stand in front: a count, or (as before) a yes/no meaning 1/0.
const proxies = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    const s = v.trim().toLowerCase();
    if (["", "0", "false", "no", "off"].includes(s)) return 0;
    if (["true", "yes", "on"].includes(s)) return 1;
    return /^\d+$/.test(s) ? Number(s) : v;
  },
  z.number({ error: "TRUST_PROXY: the number of proxies in front (0, 1, 2, …) or true/false" }).int().min(0).max(16).default(0),
);

const schema = z.object({
  // The custom server runs in production unless development is asked for explicitly: a missing
  // NODE_ENV must never mean dev mode with test endpoints on.
  NODE_ENV: z.preprocess(emptyAsUnset, z.enum(["development", "production", "test"]).default("production")),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default("data"),
  DATABASE_URL: z.preprocess(emptyAsUnset, z.string().optional()),
  NEXTAUTH_SECRET: z.preprocess(emptyAsUnset, z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional()),
  NEXTAUTH_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  TRUST_PROXY: proxies,
  SEED_DEMO: bool.optional(),
  DEMO_TRAFFIC: bool.optional(),
  ADMIN_EMAIL: z.preprocess(emptyAsUnset, z.email().optional()),
  ADMIN_PASSWORD: z.preprocess(emptyAsUnset, z.string().optional()),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: ms(10_000),
  DRAIN_MS: z.coerce.number().int().min(0).default(1000),
  DASHBOARD_TICK_MS: ms(30_000),
  DASHBOARD_COALESCE_MS: z.coerce.number().int().min(0).default(50),
  REFRESH_RATE_LIMIT: count(5),
  REFRESH_RATE_WINDOW_MS: ms(10_000),
  SOCKET_COMMAND_RATE_LIMIT: count(20),
  SOCKET_COMMAND_RATE_WINDOW_MS: ms(1000),
  MESSAGE_LOG_SIZE: count(1000),
  // Transport heartbeat: a client silent for PING_INTERVAL_MS + PING_TIMEOUT_MS (30 s) is dropped.
  PING_INTERVAL_MS: ms(10_000),
  PING_TIMEOUT_MS: ms(20_000),
  STATS_INTERVAL_MS: ms(5_000),
  SSE_HEARTBEAT_MS: ms(15_000),
  SSE_RETRY_MS: ms(3_000),
  HEARTBEAT_INTERVAL_MS: ms(10_000),
  ALERT_RULES: z
    .string()
    .default("3:warning,5:critical")
    .transform((spec, ctx) => {
      try {
        return parseAlertRules(spec);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
  // Days between reviews by severity; a risk's next_review_at defaults to now + its severity's days.
  REVIEW_CADENCE_DAYS: z
    .string()
    .default("critical:30,high:60,medium:90,low:180")
    .transform((spec, ctx) => {
      try {
        return parseReviewCadence(spec);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
  MAX_CONNECTIONS: count(1000),
  MAX_CONNECTIONS_PER_USER: count(20),
  SLOW_CLIENT_MAX_QUEUE: count(200),
  // permessage-deflate on the WebSocket transports (Socket.IO's and the plain endpoints): README "Performance".
  WS_COMPRESSION: bool.default(false),
  WS_COMPRESSION_THRESHOLD: z.coerce.number().int().min(0).default(1024),
  WS_COMPRESSION_CONTEXT_TAKEOVER: bool.default(false),
  ENABLE_TEST_ENDPOINTS: bool.optional(),
  SESSION_MAX_AGE_S: count(12 * 60 * 60),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: count(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: count(100),
  LOGIN_WINDOW_MS: ms(15 * 60_000),
  MAX_CONCURRENT_HASHES: count(2),
  MAX_BODY_BYTES: count(1024 * 1024),
  DB_POOL_SIZE: count(10),
  DB_STATEMENT_TIMEOUT_MS: ms(5_000),
  DB_CONNECT_TIMEOUT_MS: ms(3_000),
  REDIS_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://")
      .optional(),
  ),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "REDIS_PREFIX: letters, digits, : _ - (max 64)")
    .default("riskpulse"),
  INSTANCE_ID: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
  ),
  LEADER_LEASE_MS: ms(5_000),
  RETENTION_DAYS: count(90),
  // Webhooks (README "Webhooks"): hosts exempt from the SSRF guard (comma-separated names or IPs).
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default("")
    .transform(
      (v) =>
        new Set(
          v
            .split(",")
            .map((h) =>
              h
                .trim()
                .replace(/^\[|\]$/g, "")
                .toLowerCase(),
            )
            .filter(Boolean),
        ) as ReadonlySet<string>,
    ),
  WEBHOOK_CONNECT_TIMEOUT_MS: ms(3_000),
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  WEBHOOK_MAX_FAILURES: count(50),
  WEBHOOK_RETRY_BASE_MS: ms(10_000),
  WEBHOOK_RETRY_MAX_MS: ms(60 * 60_000),
  OUTBOX_POLL_MS: ms(1_000),
  // E-mail (README "E-mail"): none without SMTP_URL.
  SMTP_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
      .optional(),
  ),
  MAIL_FROM: z.string().default("RiskPulse <riskpulse@localhost>"),
  SMTP_TIMEOUT_MS: ms(10_000),
  METRICS_TOKEN: z.preprocess(emptyAsUnset, z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  const databaseUrl = c.DATABASE_URL ?? `file:${path.join(dataDir, "riskpulse.db")}`;
  const production = c.NODE_ENV !== "development";
  const cluster = c.REDIS_URL !== undefined;
  if (cluster && databaseUrl.startsWith("file:")) {
    throw new ConfigError(
      "Invalid configuration:\n  REDIS_URL is set (cluster mode) but DATABASE_URL is a SQLite file: a SQLite file belongs to one machine, " +
        "so instances cannot share it. Set DATABASE_URL=postgres://… or unset REDIS_URL.",
    );
  }
  if (cluster && !c.NEXTAUTH_SECRET) {
    throw new ConfigError(
      "Invalid configuration:\n  REDIS_URL is set (cluster mode): set NEXTAUTH_SECRET to the same value on every instance, or sessions made on one are refused by the others.",
    );
  }
  if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  const publicUrl = c.NEXTAUTH_URL ?? `http://localhost:${c.PORT}`;
  return {
    ...c,
    production,
    dataDir,
    databaseUrl,
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    cluster,
    instanceId: c.INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
    // Demo data only when asked for (`npm run demo`, the tests) or in development.
    seedDemo: c.SEED_DEMO ?? !production,
    seedDemoExplicit: c.SEED_DEMO === true,
    // Simulated users on a demo database: on by default where demo data is (development),
    // `npm run demo` asks for it explicitly; it never starts on a database without demo data.
    demoTraffic: c.DEMO_TRAFFIC ?? ((c.SEED_DEMO ?? !production) && !production),
    testEndpoints: c.ENABLE_TEST_ENDPOINTS ?? !production,
  };
}
