// Builds the application context: migrate, connect, seed, wire services to the bus.
import { createApiTokenService } from "./auth/api-tokens";
import { resolveSecret } from "./auth/secret";
import type { Config } from "./config";
import type { AppContext } from "./context";
import { createDb, tuneSqlite } from "./db/client";
import { migrate } from "./db/migrate";
import { flavorOf, redactUrl } from "./db/url";
import { computeSnapshot } from "./domain/dashboard";
import { createMitigationService } from "./domain/mitigations";
import { createAlertService, parseAlertRules } from "./domain/quota/alerts";
import { createCommandService } from "./domain/quota/commands";
import { createQuotaAdmin, createQuotaCache } from "./domain/quota/quotas";
import { computeQuotaStats, currentUsage } from "./domain/quota/stats";
import { createRiskService } from "./domain/risks";
import { systemClock, type Clock } from "./domain/time";
import type { Logger } from "./log";
import { EventBus } from "./realtime/bus";
import { createRealtimeHub } from "./realtime/hub";
import { DEMO_USERS, seedDemo } from "./seed/seed-demo";
import { systemLoadSampler } from "./system-load";

export async function createAppContext(config: Config, log: Logger, clock: Clock = systemClock): Promise<AppContext> {
  const flavor = flavorOf(config.databaseUrl);
  const { secret, source } = resolveSecret(config.NEXTAUTH_SECRET, config.dataDir);
  if (source === "generated") log.info({ dir: config.dataDir }, "generated a session secret (set NEXTAUTH_SECRET to choose one)");

  const started = Date.now();
  const result = await migrate(config.databaseUrl, {
    onApply: (name) => log.info({ migration: name }, "migration applied"),
    onWarn: (msg) => log.warn(msg),
  });
  log.info({ db: redactUrl(config.databaseUrl), flavor, applied: result.applied.length, ms: Date.now() - started }, "database ready");

  const db = createDb(config.databaseUrl);
  if (flavor === "sqlite") await tuneSqlite(db);
  const bus = new EventBus(log);
  if (config.seedDemo && (await seedDemo(db, flavor, clock))) {
    log.info({ users: DEMO_USERS.map(({ email, password, role }) => ({ email, password, role })) }, "demo data seeded; sign in with");
  }

  const alerts = createAlertService({ db, events: bus, clock, rules: parseAlertRules(config.ALERT_RULES) });
  const load = systemLoadSampler();
  const quotaCache = createQuotaCache(db);
  bus.subscribe((e) => e.type === "quota.changed" && quotaCache.invalidate());
  const quotas = {
    admin: createQuotaAdmin({ db, events: bus, cache: quotaCache }),
    commands: createCommandService({ db, events: bus, clock, alerts, quotas: quotaCache }),
    alerts,
    stats: () => computeQuotaStats(db, clock, load),
    usage: () => currentUsage(db, clock),
  };

  return {
    config,
    secret,
    db,
    flavor,
    clock,
    log,
    bus,
    startedAt: new Date(),
    risks: createRiskService({ db, events: bus, clock, flavor }),
    mitigations: createMitigationService({ db, events: bus, clock }),
    tokens: createApiTokenService({ db, clock }),
    quotas,
    realtime: createRealtimeHub({ config, bus, log, compute: () => computeSnapshot(db, clock), quotaStats: quotas.stats }),
  };
}
