// The dashboard snapshot, the real-time streams over HTTP (SSE, polling), real-time statistics and
// the synthetic-broadcast test endpoints. The messages themselves are in the AsyncAPI document
// (GET /api/asyncapi.json).
import { z } from "zod";
import { CHANNEL_NAMES, CHANNELS } from "../../contract/channels";
import type { ChannelName } from "../../contract/protocol";
import { SECTION_NAMES, sectionsQuerySchema } from "../../contract/sections";
import { TREND_DAYS } from "../../contract/trend";
import type { RouteContract } from "../contract";

const ASYNCAPI = "The messages are described in the AsyncAPI document, `GET /api/asyncapi.json`.";

// Read by the handlers by hand (not parsed): here so the document names them.
const refreshQuery = z.object({ refresh: z.literal("1").optional().describe("`1`: re-read now (the `refresh` command; rate-limited)") });
/** The dashboard snapshot's query: `?refresh=1`, and `?trend_days=` (README "REST API", dashboard figures). */
export const dashboardQuery = refreshQuery.extend({
  trend_days: z
    .enum(TREND_DAYS.map(String) as [string, ...string[]])
    .optional()
    .describe(
      "`30` (default), `90` or `365`: `risk_trends` covers that many days. Read the long range once; the live `risk_trends` (30 days) then lays its points over it",
    ),
});
const sections = sectionsQuerySchema
  .optional()
  .describe(
    `dashboard only: the sections wanted, comma-separated (${SECTION_NAMES.join(", ")}); the snapshot and every patch carry only those (plus \`version\`), a change touching none sends nothing. None: everything`,
  );
const risk = z
  .string()
  .max(12)
  .optional()
  .describe(
    "dashboard only: also follow this risk (its id): its `risk_change`, `score_point`, `mitigation_change` and `risk_deleted` messages; an unknown id: 404 `unknown_risk`",
  );
const pollQuery = z.object({
  sections,
  risk,
  since: z
    .string()
    .max(64)
    .optional()
    .describe("the last envelope id you hold (`next` of the previous answer); none: start from a snapshot"),
});
const sseQuery = z.object({
  sections,
  risk,
  lastEventId: z.string().max(64).optional().describe("resume after this envelope id (as the `Last-Event-ID` header)"),
  token: z.string().optional().describe("an API token, for an EventSource that cannot set a header (prefer the header)"),
});

/** Synthetic messages on a channel (load and slow-client checks). */
export const testBroadcastSchema = z.strictObject({
  channel: z.enum(CHANNEL_NAMES).default("quotas"),
  data: z.record(z.string(), z.unknown()).default({ message: "test broadcast" }),
  count: z.number().int().min(1).max(5000).default(1),
});

function sse(name: ChannelName) {
  const access = CHANNELS[name].role === "admin" ? "admin" : "user";
  const common = { path: CHANNELS[name].sse, tag: "real-time", access, queryToken: true } as const;
  return {
    get: {
      ...common,
      method: "GET",
      summary: `Server-Sent Events: the ${name} channel`,
      description: `One event per envelope (\`event:\` its type, \`id:\` its id, \`data:\` the envelope). Resume with \`Last-Event-ID\` (or \`?lastEventId=\`). ${ASYNCAPI}`,
      query: sseQuery,
      replies: {
        200: { description: "the stream", content: "text/event-stream" },
        404: { description: "`unknown_risk`: `?risk=` names no risk", body: "Error" },
        429: { description: "`user_connection_limit`", body: "Error" },
        503: {
          description: "`capacity`, `shutdown`, or the database is unavailable",
          body: "Error",
          headers: { "retry-after": "seconds" },
        },
      },
    },
    head: {
      ...common,
      method: "HEAD",
      summary: `The ${name} stream's headers`,
      description: "Answers the headers only: no stream is opened.",
      replies: { 200: { description: "the stream's headers", content: "text/event-stream" } },
    },
  } as const satisfies Record<string, RouteContract>;
}

export const LIVE = {
  dashboard: {
    method: "GET",
    path: "/api/v1/dashboard",
    tag: "real-time",
    access: "user",
    summary: "The dashboard snapshot",
    description: "The same data as a `dashboard_update` message, with its `version`; `?trend_days=90|365`: a longer `risk_trends`.",
    query: dashboardQuery,
    replies: {
      200: { description: "the snapshot", body: "Dashboard" },
      429: { description: "`refresh=1` past the rate limit", body: "Error", headers: { "retry-after": "seconds" } },
    },
  },
  poll: {
    method: "GET",
    path: "/api/v1/events/{channel}",
    tag: "real-time",
    access: "user",
    summary: "Polling with a cursor",
    description: `The messages after \`since\` and the cursor for the next call; without a usable cursor, a snapshot to start from (\`resync\` says whether the cursor was refused). The quotas channel is for admins. ${ASYNCAPI}`,
    params: { channel: { description: "the channel", schema: z.enum(CHANNEL_NAMES) } },
    query: pollQuery,
    replies: {
      200: { description: "messages, or a snapshot", body: "Poll" },
      404: { description: "`unknown_risk`: `?risk=` names no risk (or no such channel)", body: "Error" },
    },
  },
  sseDashboard: sse("dashboard"),
  sseQuotas: sse("quotas"),
  stats: {
    method: "GET",
    path: "/api/v1/ws/stats",
    tag: "real-time",
    access: "user",
    summary: "Real-time statistics",
    description: "Analysts see their own channel's figures; admins every channel, by transport (and the cluster).",
    replies: { 200: { description: "the statistics", body: "WsStats" } },
  },
  health: {
    method: "GET",
    path: "/api/ws/health",
    tag: "real-time",
    access: "user",
    summary: "The real-time layer's health",
    description:
      "Analysts get the status and their channel's client count; admins also memory, the broadcaster, the message log and errors.",
    replies: { 200: { description: "the health", body: "WsHealth" } },
  },
} as const;

const testOnly = { tag: "testing", access: "admin", method: "POST", testOnly: true } as const;
export const TESTING = {
  broadcast: {
    ...testOnly,
    path: "/api/ws/test-broadcast",
    summary: "Publish `test` messages on a channel",
    body: testBroadcastSchema,
    replies: { 200: { description: "how many were published, and the last id", body: "TestBroadcast" } },
  },
  violation: {
    ...testOnly,
    path: "/api/ws/test-violation",
    summary: "Broadcast a synthetic violation (nothing is stored)",
    replies: { 200: { description: "the published envelope", body: "TestPublished" } },
  },
  alert: {
    ...testOnly,
    path: "/api/ws/test-alert",
    summary: "Broadcast a synthetic alert (nothing is stored)",
    replies: { 200: { description: "the published envelope", body: "TestPublished" } },
  },
} as const satisfies Record<string, RouteContract>;
