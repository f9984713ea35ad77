// Type-level tests of the real-time contract, compiled by `tsc` (the typecheck step): every
// `@ts-expect-error` below must be an error, or the build fails ("unused directive").
import type { Socket as ServerSocket } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import type { ClientToServerEvents, Message, ServerToClientEvents, SocketAuth } from "../../lib/contract/protocol";

declare const env: Message<"quotas">;
declare const dash: Message<"dashboard">;

// Switching on `type` narrows `data`: no casts.
if (env.type === "stats") {
  const cpu: number = env.data.system_load.cpu_percent;
  void cpu;
  // @ts-expect-error stats have no `username`
  void env.data.username;
}
if (env.type === "violation") {
  const user: string | null = env.data.username;
  void user;
}
if (dash.type === "dashboard_patch") {
  const base: number = dash.data.base_version;
  void base;
}

// A message of a type the channel does not carry does not compile.
// @ts-expect-error the dashboard has no `violation`
const wrongType: Message<"dashboard"> = { type: "violation", id: "1-0", timestamp: "", data: {} };
void wrongType;

// A payload of the wrong shape for its type does not compile.
const wrongData: Message<"quotas", "alert"> = {
  type: "alert",
  id: "1-0",
  timestamp: "",
  data: {
    alert_id: 1,
    alert_type: "quota_violation",
    // @ts-expect-error an alert's severity is "warning" | "critical"
    severity: "panic",
    user_id: 1,
    username: null,
    message: "",
    violation_count: 1,
    action_needed: true,
    created_at: "",
    acknowledged_at: null,
    acknowledged_by: null,
  },
};
void wrongData;

// The server can only emit the namespace's events, with their envelopes.
declare const server: ServerSocket<ClientToServerEvents["dashboard"], ServerToClientEvents<"dashboard">>;
server.emit("pong", { type: "pong", id: "1-0-1", timestamp: "", data: {} });
// @ts-expect-error `stats` belong to /admin/quotas
server.emit("stats", { type: "stats", id: "1-0", timestamp: "", data: {} });
// @ts-expect-error an event's argument is its own envelope
server.emit("pong", { type: "dashboard_update", id: "1-0", timestamp: "", data: {} });

// The client can only send the namespace's commands.
declare const client: ClientSocket<ServerToClientEvents<"quotas">, ClientToServerEvents["quotas"]>;
client.emit("ping");
// @ts-expect-error /admin/quotas has no `refresh`
client.emit("refresh");

// Dashboard subscriptions name only the snapshot's sections; write commands take their REST shapes.
declare const dashboardClient: ClientSocket<ServerToClientEvents<"dashboard">, ClientToServerEvents["dashboard"]>;
dashboardClient.emit("subscribe", { sections: ["metrics", "top_risks"] });
// @ts-expect-error not a dashboard section
dashboardClient.emit("subscribe", { sections: ["salaries"] });
dashboardClient.emit("update_risk", { id: 7, patch: { likelihood: 0.4 } });
// @ts-expect-error update_risk needs the risk's id
dashboardClient.emit("update_risk", { patch: { likelihood: 0.4 } });
dashboardClient.emit("record_command", { command_type: "deploy" });
const auth: SocketAuth = { lastId: "1-0.e", sections: ["risk_trends"] };
void auth;
// @ts-expect-error sections are named, not free text
const badAuth: SocketAuth = { sections: ["everything"] };
void badAuth;

// A command_result narrows on `ok`: a success carries the REST body, a refusal REST's status and code.
declare const result: Message<"dashboard", "command_result">;
if (!result.data.ok) {
  const status: number = result.data.status;
  const code: string = result.data.error.code;
  void [status, code];
} else if ("risk" in result.data) {
  const score: number = result.data.risk.score;
  void score;
}

// A live channel per risk: the per-risk messages narrow on `type`, name their risk, and are typed.
if (dash.type === "risk_change") {
  const risk: number = dash.data.risk_id;
  const version: number = dash.data.risk.version;
  void [risk, version];
  // @ts-expect-error a risk_change carries the risk, not a patch
  void dash.data.patch;
}
if (dash.type === "score_point") {
  const at: string = dash.data.recorded_at;
  const score: number = dash.data.score;
  void [at, score];
}
if (dash.type === "mitigation_change") {
  // A deleted mitigation has none: `mitigation` may be null.
  // @ts-expect-error possibly null
  void dash.data.mitigation.title;
  const change: "created" | "updated" | "deleted" = dash.data.change;
  void change;
}
if (dash.type === "risk_deleted") {
  const gone: number = dash.data.risk_id;
  void gone;
}
// @ts-expect-error a risk_deleted names its risk
const noRisk: Message<"dashboard", "risk_deleted"> = { type: "risk_deleted", id: "1-0", timestamp: "", data: {} };
void noRisk;
// @ts-expect-error the quota console follows no risk
const quotaRisk: Message<"quotas"> = { type: "risk_change", id: "1-0", timestamp: "", data: {} };
void quotaRisk;
dashboardClient.emit("subscribe_risk", { id: 7 });
dashboardClient.emit("unsubscribe_risk");
// @ts-expect-error subscribe_risk takes {id}
dashboardClient.emit("subscribe_risk", { risk: 7 });
// @ts-expect-error a risk's id is a number
dashboardClient.emit("subscribe_risk", { id: "7" });
// update_risk takes REST's If-Match as well as the patch's version.
dashboardClient.emit("update_risk", { id: 7, patch: { title: "t" }, if_match: '"3"' });
const followRisk: SocketAuth = { lastId: "1-0.e", sections: ["metrics"], risk: 7 };
void followRisk;
// @ts-expect-error auth.risk is a risk id
const badFollow: SocketAuth = { risk: "seven" };
void badFollow;
