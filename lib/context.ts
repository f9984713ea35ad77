// The one instance of everything stateful (database, bus, services, realtime), created by
// server.ts. Next bundles route handlers and pages separately from server.ts, so a module-level
// singleton would exist twice; the context is therefore kept on globalThis under a symbol.
import type { ApiTokenService } from "./auth/api-tokens";
import type { Config } from "./config";
import type { Db } from "./db/client";
import type { DbFlavor } from "./db/url";
import type { MitigationService } from "./domain/mitigations";
import type { AlertService } from "./domain/quota/alerts";
import type { CommandService } from "./domain/quota/commands";
import type { QuotaAdmin } from "./domain/quota/quotas";
import type { QuotaStats, UsageRow } from "./domain/quota/stats";
import type { RiskService } from "./domain/risks";
import type { Clock } from "./domain/time";
import type { Logger } from "./log";
import type { EventBus } from "./realtime/bus";
import type { RealtimeHub } from "./realtime/hub";

export interface AppContext {
  config: Config;
  secret: string;
  db: Db;
  flavor: DbFlavor;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  startedAt: Date;
  risks: RiskService;
  mitigations: MitigationService;
  tokens: ApiTokenService;
  quotas: {
    admin: QuotaAdmin;
    commands: CommandService;
    alerts: AlertService;
    stats(): Promise<QuotaStats>;
    usage(): Promise<UsageRow[]>;
  };
  realtime: RealtimeHub;
}

const KEY = Symbol.for("riskpulse.context");
type Holder = { [KEY]?: AppContext };

export function setContext(ctx: AppContext | undefined): void {
  (globalThis as Holder)[KEY] = ctx;
}

export function getContext(): AppContext {
  const ctx = (globalThis as Holder)[KEY];
  if (!ctx) throw new Error("RiskPulse is not initialised: start it with server.ts (npm start / npm run dev)");
  return ctx;
}
