// Every REST response body by name, as the types the services and handlers already return (never
// a second description of them). scripts/api-schemas.mjs turns this interface into JSON Schema
// (lib/api-docs/generated/wire-schemas.json); route contracts (contracts/) name their bodies by
// its keys. Types only: nothing here runs.
import type { AppContext } from "../context";
import type { ChannelName, PollAnswer } from "../contract/protocol";
import type { RestError } from "../contract/rest-error";
import type { MitigationDto } from "../domain/mitigations";
import type { RiskDto } from "../domain/risks";

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type App = AppContext;

type RtHealth = Result<App["realtime"]["health"]>;
type AdminHealth = Extract<RtHealth, { broadcaster: unknown }>;
type Broadcaster = AdminHealth["broadcaster"];
// TypeScript drops the index signature of a spread, so the type of `message_log`
// ({...Object.fromEntries(channels → log figures), backend, ok, last_error} in realtime/hub.ts)
// lacks the per-channel entries the server sends: they are added back here.
type LogFigures = { size: number; capacity: number; last_id: string; epoch: string };
type AdminHealthOnWire = Omit<AdminHealth, "status" | "broadcaster"> & {
  broadcaster: Omit<Broadcaster, "message_log"> & { message_log: Broadcaster["message_log"] & Record<ChannelName, LogFigures> };
  checks: Ready["checks"];
  http: { sse_sockets: number };
  cluster?: Cluster;
};
type Ready = Result<App["health"]["ready"]>;
type Cluster = Result<NonNullable<App["cluster"]>["view"]>;

export interface ResponseBodies {
  /** The one error body of every route (lib/contract/rest-error.ts). */
  Error: RestError;
  Health: { status: "ok"; uptime_seconds: number };
  Ready: Ready;
  Me: { id: number; name: string; email: string; role: "admin" | "analyst"; via: "session" | "token" };
  Dashboard: Result<App["realtime"]["feed"]["current"]>;
  RiskPage: Result<App["risks"]["list"]>;
  Risk: Result<App["risks"]["get"]>;
  RiskCreated: Result<App["risks"]["create"]>;
  RiskUpdated: Result<App["risks"]["update"]>;
  RiskReviewed: Result<App["risks"]["review"]>;
  RiskExport: RiskDto[];
  Acceptance: Result<App["acceptances"]["request"]>;
  AcceptanceList: Result<App["acceptances"]["forRisk"]>;
  AcceptancePage: Result<App["acceptances"]["list"]>;
  MyWork: Result<App["myWork"]>;
  MitigationExport: MitigationDto[];
  ImportReport: Result<App["transfer"]["importCsv"]>;
  MitigationPage: Result<App["mitigations"]["list"]>;
  Mitigation: Result<App["mitigations"]["get"]>;
  MitigationCreated: Result<App["mitigations"]["create"]>;
  MitigationUpdated: Result<App["mitigations"]["update"]>;
  CommandResult: Result<App["quotas"]["commands"]["execute"]>;
  QuotaList: Result<App["quotas"]["admin"]["list"]>;
  QuotaSet: Result<App["quotas"]["admin"]["set"]>;
  QuotaUsage: { items: Result<App["quotas"]["usage"]> };
  QuotaStats: Result<App["realtime"]["quotaFeed"]["currentStats"]>;
  ViolationPage: Result<App["quotas"]["commands"]["violations"]>;
  AlertPage: Result<App["quotas"]["alerts"]["list"]>;
  Alert: Result<App["quotas"]["alerts"]["acknowledge"]>;
  AlertRuleList: Result<App["quotas"]["alertRules"]["list"]>;
  AlertRule: Result<App["quotas"]["alertRules"]["create"]>;
  WebhookList: Result<App["webhooks"]["list"]>;
  WebhookCreated: Result<App["webhooks"]["create"]>;
  Webhook: Result<App["webhooks"]["update"]>;
  DeliveryPage: Result<App["webhooks"]["deliveries"]>;
  Delivery: Result<App["webhooks"]["resend"]>;
  WebhookTest: Result<App["webhooks"]["test"]>;
  EmailPreferences: Result<App["email"]["get"]>;
  NotificationPage: Result<App["notifications"]["list"]>;
  NotificationsRead: Result<App["notifications"]["markRead"]>;
  UserPage: Result<App["users"]["list"]>;
  People: { items: Result<App["users"]["people"]> };
  User: Result<App["users"]["get"]>;
  UserCreated: Result<App["users"]["create"]>;
  UserUpdated: Result<App["users"]["update"]>;
  TokenList: { items: Result<App["tokens"]["list"]> };
  TokenCreated: Result<App["tokens"]["create"]>;
  TokenRevoked: Result<App["tokens"]["revoke"]>;
  AuditPage: Result<App["audit"]["list"]>;
  Poll: PollAnswer<"dashboard"> | PollAnswer<"quotas"> | PollAnswer<"notifications">;
  WsStats: Result<App["realtime"]["stats"]> & { instance?: string; cluster?: Cluster };
  WsHealth: (Omit<Exclude<RtHealth, AdminHealth>, "status"> | AdminHealthOnWire) & { status: "ok" | "draining" | "degraded" };
  TestBroadcast: { published: number; channel: ChannelName; last_id: string | null };
  TestPublished: { published: Result<App["realtime"]["channels"]["quotas"]["publish"]>["envelope"] };
  AuthCsrf: { csrfToken: string };
  AuthSignIn: { url: string };
  AuthSession: { user?: { name?: string | null; email?: string | null }; expires?: string } | Record<string, never>;
  /** The OpenAPI or AsyncAPI document (validated by their own tests). */
  Document: Record<string, unknown>;
  AuthProviders: Record<string, { id: string; name: string; type: string; signinUrl: string; callbackUrl: string }>;
}
export type BodyName = keyof ResponseBodies;
