// Builds the application context: migrate, connect, make the first admin or seed demo data,
// wire services, caches and live connections to the event bus, and choose the real-time log
// (the database in embedded mode, Redis streams in cluster mode).
import "server-only";
import { createApiTokenService } from "./auth/api-tokens";
import { createAuthDirectory } from "./auth/directory";
import { createLoginThrottle } from "./auth/login-throttle";
import { configureHashing } from "./hashing/password";
import type { AuthDeps } from "./auth/principal";
import { resolveSecret } from "./auth/secret";
import { createSessionService } from "./auth/sessions";
import { watchSignals } from "./auth/signals";
import type { ClusterRuntime } from "./cluster/runtime";
import { startCluster } from "./cluster/start";
import type { Config } from "./config";
import { createDb, tuneSqlite } from "./db/client";
import { migrate } from "./db/migrate";
import { flavorOf, redactUrl } from "./db/url";
import { createAcceptanceService } from "./domain/acceptances";
import { createAuditService, SYSTEM } from "./domain/audit";
import { createMyWork } from "./domain/my-work";
import { createDashboardComputer } from "./domain/dashboard/computer";
import { createMitigationService } from "./domain/mitigations";
import { checkOverdue, notificationRules } from "./domain/notification-rules";
import { createNotificationService } from "./domain/notifications";
import { createAlertRuleService } from "./domain/quota/alert-rules";
import { createAlertService } from "./domain/quota/alerts";
import { createCommandService } from "./domain/quota/commands";
import { createCommandRecorder } from "./domain/quota/recorder";
import { createQuotaAdmin, createQuotaCache } from "./domain/quota/quotas";
import { computeQuotaStats, currentUsage } from "./domain/quota/stats";
import { createRiskTransferService } from "./domain/risk-transfer";
import { createRiskService } from "./domain/risks";
import { isDomainError } from "./domain/errors";
import { systemClock, type Clock } from "./domain/time";
import { createUserService } from "./domain/users";
import { createOutboxWorker } from "./delivery/outbox-worker";
import { createMailer } from "./delivery/mailer";
import { createEmailService } from "./domain/webhooks/email";
import { createOutboxStager } from "./domain/webhooks/outbox";
import { createWebhookService } from "./domain/webhooks/webhooks";
import { createHealth } from "./health";
import type { Logger } from "./log";
import { createMetrics } from "./metrics/registry";
import { EventBus } from "./domain/bus";
import { createRealtimeHub } from "./realtime/hub";
import { SoloLeadership } from "./realtime/leadership";
import { SqlLogBackend } from "./realtime/log/sql-backend";
import { createRetention } from "./retention/prune";
import { createDemoTraffic, hasDemoData } from "./demo/traffic";
import { RawResponses } from "./server/raw-responses";
import { assertNoDemoPasswords, DEMO_USERS, seedDemo } from "./seed/seed-demo";
import { systemLoadSampler } from "./system-load";

export class StartupError extends Error {}

export async function createAppContext(config: Config, log: Logger, clock: Clock = systemClock) {
  const flavor = flavorOf(config.databaseUrl);
  const { secret, source } = resolveSecret(config.NEXTAUTH_SECRET, config.dataDir);
  if (source === "generated") log.info({ dir: config.dataDir }, "generated a session secret (set NEXTAUTH_SECRET to choose one)");
  configureHashing({ concurrency: config.MAX_CONCURRENT_HASHES });

  const started = Date.now();
  const result = await migrate(config.databaseUrl, {
    onApply: (name) => log.info({ migration: name }, "migration applied"),
    onWarn: (msg) => log.warn(msg),
  });
  log.info({ db: redactUrl(config.databaseUrl), flavor, applied: result.applied.length, ms: Date.now() - started }, "database ready");

  const metrics = createMetrics();
  const db = createDb(config.databaseUrl, {
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    onPoolError: (err) => log.warn({ err: err.message }, "database connection error"),
  });
  if (flavor === "sqlite") await tuneSqlite(db);
  const bus = new EventBus(log);
  const sessions = createSessionService({ db, events: bus, clock, maxAgeS: config.SESSION_MAX_AGE_S });
  const users = createUserService({ db, events: bus, clock, flavor, sessions });

  // Who may sign in on a fresh database: the configured first admin, or the demo accounts.
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const name = config.ADMIN_EMAIL.split("@")[0] ?? "Admin";
    if (await users.createFirstAdmin({ email: config.ADMIN_EMAIL, name, password: config.ADMIN_PASSWORD }, SYSTEM)) {
      log.info({ email: config.ADMIN_EMAIL }, "created the first admin from ADMIN_EMAIL (the password is not logged)");
    }
  }
  let demo = false;
  if (config.seedDemo) {
    if (config.production)
      log.warn("SEED_DEMO=1 in production: demo accounts with published passwords will exist. Never do this on a reachable server.");
    demo = await seedDemo(db, flavor, clock);
    if (demo)
      log.info({ users: DEMO_USERS.map(({ email, password, role }) => ({ email, password, role })) }, "demo data seeded; sign in with");
  } else if (config.production) {
    const found = await assertNoDemoPasswords(db);
    if (found.length) {
      throw new StartupError(
        `Refusing to start in production: ${found.join(", ")} still ${found.length === 1 ? "has its" : "have their"} published demo password. ` +
          "Change or delete these accounts (npm run user -- …), or, for a demo only, start with SEED_DEMO=1.",
      );
    }
  }

  const directory = createAuthDirectory({ db });
  const tokens = createApiTokenService({ db, events: bus, clock });
  const auth: AuthDeps = { secret, directory, onTokenUse: (id) => tokens.touch(id) };
  const loginThrottle = createLoginThrottle({
    perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowMs: config.LOGIN_WINDOW_MS,
  });
  bus.subscribe((e) => directory.onEvent(e));

  const alertRules = createAlertRuleService({ db, flavor, events: bus, clock });
  if (await alertRules.seedDefaults(config.ALERT_RULES, SYSTEM))
    log.info({ rules: config.ALERT_RULES }, "seeded the alert rules from ALERT_RULES");
  bus.subscribe((e) => e.type === "alert_rule.changed" && alertRules.invalidate());
  const alerts = createAlertService({ db, flavor, events: bus, clock, rules: alertRules });
  const load = systemLoadSampler();
  const quotaCache = createQuotaCache(db);
  // The command hot path's own connection(s): prepared statements, one round trip per command.
  const recorder = createCommandRecorder(config.databaseUrl, flavor, {
    timeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    poolSize: Math.max(2, Math.ceil(config.DB_POOL_SIZE / 2)),
  });
  bus.subscribe((e) => e.type === "quota.changed" && quotaCache.invalidate());
  const quotas = {
    admin: createQuotaAdmin({ db, events: bus, cache: quotaCache }),
    commands: createCommandService({ db, events: bus, clock, alerts, quotas: quotaCache, recorder }),
    alerts,
    alertRules,
    stats: () => computeQuotaStats(db, clock, load),
    usage: () => currentUsage(db, clock),
  };

  const cluster: ClusterRuntime | null = config.cluster ? await startCluster(config, log, bus) : null;
  const notifications = createNotificationService({ db, events: bus, clock });
  const realtime = createRealtimeHub({
    config,
    bus,
    log,
    backend: cluster?.backend ?? new SqlLogBackend(db, config.MESSAGE_LOG_SIZE, log),
    computer: createDashboardComputer({ db, clock, flavor }),
    quotaStats: quotas.stats,
    unreadNotifications: notifications.unread,
    leadership: cluster?.leadership ?? new SoloLeadership(),
    // The services are made below; the hub reads through them only once events flow.
    risks: {
      detail: (id) => risks.get(id).catch((e: unknown) => (isDomainError(e) && e.status === 404 ? null : Promise.reject(e))),
      mitigation: (id) => mitigations.get(id).catch((e: unknown) => (isDomainError(e) && e.status === 404 ? null : Promise.reject(e))),
      exists: async (id) => (await db.risk.count({ where: { id } })) > 0,
    },
  });
  const acceptances = createAcceptanceService({ db, events: bus, clock, flavor });
  // The tick-time rules once per cluster: on the leader, after it published the stats.
  realtime.quotaFeed.events.on("published", (stats) => {
    currentUsage(db, clock)
      .then((usage) => alerts.evaluateTick({ usage, load: stats.system_load }))
      .catch((err: unknown) => log.error({ err }, "alert rules failed on the stats tick"));
    acceptances
      .expireDue()
      .then((n) => n > 0 && log.info({ expired: n }, "risk acceptances expired; their treatment decisions are reopened"))
      .catch((err: unknown) => log.error({ err }, "acceptance expiry failed on the stats tick"));
  });
  bus.subscribe(notificationRules(notifications, (err, event) => log.error({ err, event }, "could not write a notification")));
  // The overdue check on the same leader tick: once per cluster, each mitigation once per due date.
  realtime.quotaFeed.events.on("published", () => {
    checkOverdue({ db, clock, events: bus }).catch((err: unknown) => log.error({ err }, "the overdue check failed"));
  });
  cluster?.setClientCounter(() => ({
    "/dashboard": realtime.connections.count("dashboard"),
    "/admin/quotas": realtime.connections.count("quotas"),
    "/notifications": realtime.connections.count("notifications"),
  }));
  const health = createHealth({ db, cluster });
  // Auth changes made outside the servers (`npm run user`), read from the database.
  const signals = watchSignals({ db, bus, log });
  const risks = createRiskService({ db, events: bus, clock, flavor, reviewCadence: config.REVIEW_CADENCE_DAYS });
  const mitigations = createMitigationService({ db, events: bus, clock, flavor });
  const webhooks = createWebhookService({ db, clock, allowHosts: config.WEBHOOK_ALLOW_HOSTS });
  const email = createEmailService({ db, clock, enabled: config.SMTP_URL !== undefined });
  const outbox = createOutboxWorker({
    db,
    clock,
    log,
    opts: {
      instanceId: config.instanceId,
      pollMs: config.OUTBOX_POLL_MS,
      // Longer than any one attempt can take, so a live worker never loses its lease mid-request.
      leaseMs: config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_CONNECT_TIMEOUT_MS + 5_000,
      retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
      maxFailures: config.WEBHOOK_MAX_FAILURES,
      connectTimeoutMs: config.WEBHOOK_CONNECT_TIMEOUT_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowHosts: config.WEBHOOK_ALLOW_HOSTS,
    },
    mailer: config.SMTP_URL ? createMailer(config.SMTP_URL, config.MAIL_FROM, config.SMTP_TIMEOUT_MS) : undefined,
    onAttempt: (channel, outcome, seconds) => {
      metrics.deliveries.inc({ channel, outcome });
      metrics.deliverySeconds.observe({ channel }, seconds);
    },
    // Admins are told as an alert of the system (the quota console's toasts, and alert webhooks).
    onDisabled: (w) =>
      void alerts.raiseSystem(
        "webhook_disabled",
        `Critical: webhook ${w.id} (${w.url}) disabled after ${w.failures} failed attempts in a row`,
      ),
  });
  // Events become outbox rows inside the transaction that makes them (once per cluster: only
  // the instance writing the change stages it).
  bus.stageWith(createOutboxStager({ webhooks, email }));
  const transfer = createRiskTransferService({ db, events: bus, clock, flavor, reviewCadence: config.REVIEW_CADENCE_DAYS });
  const demoTraffic =
    config.demoTraffic && (await hasDemoData(db))
      ? createDemoTraffic({ db, clock, log, risks, mitigations, commands: quotas.commands })
      : null;

  const app = {
    config,
    secret,
    db,
    flavor,
    clock,
    log,
    bus,
    metrics,
    startedAt: new Date(),
    demo,
    directory,
    auth,
    sessions,
    users,
    tokens,
    loginThrottle,
    audit: createAuditService({ db }),
    risks,
    mitigations,
    acceptances,
    myWork: createMyWork({ db, clock, acceptances }),
    transfer,
    demoTraffic,
    quotas,
    webhooks,
    email,
    notifications,
    outbox,
    realtime,
    cluster,
    health,
    retention: createRetention({ db, clock, log, days: config.RETENTION_DAYS, flavor }),
    rawResponses: new RawResponses(),
    async close() {
      signals.stop();
      await outbox.stop();
      await recorder.close();
      await db.$disconnect();
    },
  };
  metrics.bind(app);
  return app;
}
