// The AsyncAPI 3 document of the real-time protocol, built from the contract module (lib/contract):
// the channels and their paths per transport (channels.ts), every message type of each channel with its
// payload (the ChannelMessages type, as JSON Schema in generated/wire-schemas.json), the commands
// with their acknowledgements, and how each transport resumes after an envelope id. Operations
// are the server's: it `send`s the messages and `receive`s the commands.
import { CHANNELS, SOCKET_PATH } from "../contract/channels";
import { CODES } from "../contract/codes";
import { LOGGED_TYPES, SNAPSHOT_TYPE, type ChannelName, type CommandName, type MessageType } from "../contract/protocol";
import { SECTION_NAMES } from "../contract/sections";
import { buildComponents, definition, rootProperty, type JsonSchema } from "./json-schema";

const SCHEMAS = "#/components/schemas/";

/** Each channel's commands and the message type that acknowledges them (or an `error`). */
export const COMMAND_ACKS = {
  dashboard: {
    refresh: "dashboard_update",
    ping: "pong",
    subscribe: "dashboard_update",
    subscribe_risk: "dashboard_update",
    unsubscribe_risk: "dashboard_update",
    create_risk: "command_result",
    update_risk: "command_result",
    create_mitigation: "command_result",
    update_mitigation: "command_result",
    record_command: "command_result",
  },
  quotas: { ping: "pong" },
} as const satisfies { [C in ChannelName]: { [K in CommandName<C>]: MessageType<C> } };

type Transport = "socketio" | "websocket" | "sse" | "polling";
const TRANSPORTS: Transport[] = ["socketio", "websocket", "sse", "polling"];

/** Where a client puts the last envelope id it holds, per transport (README "Real-time protocol"). */
export const RESUME: Record<Transport, { in: "auth" | "query" | "header"; name: string }[]> = {
  socketio: [{ in: "auth", name: "lastId" }],
  websocket: [{ in: "query", name: "last_event_id" }],
  sse: [
    { in: "header", name: "Last-Event-ID" },
    { in: "query", name: "lastEventId" },
  ],
  polling: [{ in: "query", name: "since" }],
};

const TRANSPORT_TEXT: Record<Transport, string> = {
  socketio: `Socket.IO (path \`${SOCKET_PATH}\`), namespace as the address; the event name is the envelope's \`type\`. Send the last id you hold as \`auth.lastId\` on every (re)connect; authenticate with the session cookie or \`auth.token\`. Socket.IO's own connection-state recovery is off.`,
  websocket:
    "A plain WebSocket for clients without Socket.IO. Resume with `?last_event_id=`; authenticate with `?token=`, `Authorization: Bearer` or the session cookie (same origin). Refusals and closes are told in-band: an `error` with its `code`, then close code 4000 + the code's HTTP status.",
  sse: "Server-Sent Events: `event:` the envelope's type, `id:` its id, `data:` the envelope. Resume with `Last-Event-ID` (the browser sends it on reconnect) or `?lastEventId=`; authenticate with the session cookie, `Authorization: Bearer` or `?token=`.",
  polling:
    "HTTP polling, the last resort: `GET` with `?since=<the last id>` answers the messages after it and the cursor for the next call (`next`); without a usable cursor, a snapshot to start from. Authenticate with the session cookie or `Authorization: Bearer`.",
};

/** Selective subscriptions, per transport (dashboard only). */
const SECTIONS_TEXT: Record<Transport, string> = {
  socketio: "`auth.sections` on connect, the `subscribe` command to change them",
  websocket: '`?sections=a,b` on connect, `{"action":"subscribe","sections":[…]}` to change them',
  sse: "`?sections=a,b`",
  polling: "`?sections=a,b` on every poll",
};
const sectionsNote = (t: Transport) =>
  ` Sections (${SECTIONS_TEXT[t]}): any of ${SECTION_NAMES.map((s) => `\`${s}\``).join(", ")}; the snapshot and every patch then carry only those (plus \`version\`; a patch's \`base_version\` is the version those sections last changed at: apply when \`base_version ≤ held < version\`), a change touching none of them sends nothing, and resume is exact as ever. None: everything.`;
/** Following one risk, per transport (dashboard only). */
const RISK_TEXT: Record<Transport, string> = {
  socketio: "`auth.risk` on connect, the `subscribe_risk` `{id}` / `unsubscribe_risk` commands to change it",
  websocket: '`?risk=<id>` on connect, `{"action":"subscribe_risk","id":…}` / `{"action":"unsubscribe_risk"}` to change it',
  sse: "`?risk=<id>`",
  polling: "`?risk=<id>` on every poll",
};
const riskNote = (t: Transport) =>
  ` One risk (${RISK_TEXT[t]}): its \`risk_change\` (the fields after a change), \`score_point\` (a new score-history point), \`mitigation_change\` and \`risk_deleted\` messages too — logged and resumed like patches; a connection following no risk never gets one. Any signed-in user may follow a risk that exists (GET /api/v1/risks/:id's rule); another id is refused with \`unknown_risk\`.`;
const sectionsQuery = {
  sections: { type: "string", description: `dashboard only: comma-separated sections (${SECTION_NAMES.join(", ")}); none: everything` },
  risk: { type: "string", description: "dashboard only: also follow this risk's messages (its id)" },
};

/** How a command is sent and answered, per transport. */
function commandSummary(cmd: string, socketio: boolean): string {
  if (cmd === "subscribe")
    return socketio
      ? "Emit `subscribe` with `{sections: [...]}` (`[]`: everything) and an acknowledgement callback: it is called with a `dashboard_update` of those sections (also sent as an event), after which patches carry only them."
      : 'Send `{"action":"subscribe","sections":[...]}`: answered with a `dashboard_update` of those sections; patches after it carry only them.';
  if (cmd === "subscribe_risk" || cmd === "unsubscribe_risk") {
    const what = cmd === "subscribe_risk" ? "`{id}` (a risk's id)" : "no arguments";
    return socketio
      ? `Emit \`${cmd}\` with ${what} and an acknowledgement callback: it is called with a \`dashboard_update\` of your sections (or an \`error\`: \`unknown_risk\`, \`bad_request\`); from then on ${cmd === "subscribe_risk" ? "that risk's messages come too (one risk at a time)" : "no risk's messages come"}.`
      : `Send \`{"action":"${cmd}"${cmd === "subscribe_risk" ? ',"id":7' : ""}}\`: answered with a \`dashboard_update\` of your sections (or an \`error\`); from then on ${cmd === "subscribe_risk" ? "that risk's messages come too" : "no risk's messages come"}.`;
  }
  if (cmd === "record_command")
    return `${socketio ? "Emit `record_command` with `{command_type, user_id?}` and an acknowledgement callback" : 'Send `{"action":"record_command","request_id":"…","args":{"command_type":"…"}}`'}: POST /api/v1/commands over the socket (the same function): a \`command_result\` \`{ok: true, status: 200 | 429, quota: {allowed, remaining, throttle_factor, violation?}}\`, or \`{ok: false, status, error}\` as REST refuses. Not under SOCKET_COMMAND_RATE_LIMIT: the quotas limit it.`;
  if (cmd.includes("_")) {
    const what = cmd.startsWith("create_") ? "the fields, as the REST POST body" : "`{id, patch}` (`patch`: the REST PATCH body)";
    const same =
      "Runs what the REST route runs (the credential re-checked, its validation, the service, its audit entry and events: the change's patch reaches you like everyone else) and answers with a `command_result`: `{ok: true, risk|mitigation}` (the REST body) or `{ok: false, status, error: {code, message, details?}}` (the REST status, code, message and details). At most `SOCKET_COMMAND_RATE_LIMIT` per `SOCKET_COMMAND_RATE_WINDOW_MS` per connection (`rate_limited`).";
    return socketio
      ? `Emit \`${cmd}\` with ${what} and an acknowledgement callback: it is called with the \`command_result\` envelope. ${same}`
      : `Send \`{"action":"${cmd}","request_id":"…","args":…}\` with ${what} as \`args\`: the \`command_result\` carries your \`request_id\`. ${same}`;
  }
  return socketio
    ? `Emit \`${cmd}\` with no arguments and an acknowledgement callback: it is called with the reply envelope.`
    : `Send \`{"action":"${cmd}"}\`: the reply arrives as the next matching frame.`;
}

const channelId = (c: ChannelName, t: Transport) => `${c}_${t}`;
const address = (c: ChannelName, t: Transport) =>
  t === "socketio" ? CHANNELS[c].namespace : t === "websocket" ? CHANNELS[c].websocket : t === "sse" ? CHANNELS[c].sse : CHANNELS[c].poll;

/** The message types of a channel, as the ChannelMessages type has them (not a list kept by hand). */
export function messageTypes(c: ChannelName): string[] {
  const props = (definition("ChannelMessages") as { properties: Record<string, { properties: Record<string, JsonSchema> }> }).properties;
  return Object.keys(props[c]!.properties);
}
const dataSchema = (c: ChannelName, type: string) =>
  (definition("ChannelMessages") as { properties: Record<string, { properties: Record<string, JsonSchema> }> }).properties[c]!.properties[
    type
  ]!;

/** The AsyncAPI 3 document; `origin` (e.g. https://risk.example.com) names the servers. */
export function asyncApiDocument(opts: { version: string; origin: string }) {
  const url = new URL(opts.origin);
  const tls = url.protocol === "https:";
  const envelopeRef = rootProperty("RealtimeWire", "envelope").$ref as string;
  const envelope = definition(envelopeRef.replace("#/definitions/", "")) as { properties: Record<string, JsonSchema> };

  // Payload schemas: one envelope per channel × type (plain WebSocket quota frames also name the
  // connection), the Socket.IO auth payload, the plain WebSocket command and the poll answers.
  const named: Record<string, JsonSchema> = {};
  const envelopeOf = (c: ChannelName, type: string, clientId: boolean): JsonSchema => ({
    type: "object",
    description: `A \`${type}\` envelope on the ${c} channel.`,
    properties: {
      type: { type: "string", const: type },
      id: envelope.properties.id,
      timestamp: { ...envelope.properties.timestamp, format: "date-time" },
      data: dataSchema(c, type),
      ...(clientId ? { client_id: { type: "string", description: "this connection's id (the original console's field)" } } : {}),
    },
    required: ["type", "id", "timestamp", "data", ...(clientId ? ["client_id"] : [])],
    additionalProperties: false,
  });
  for (const c of Object.keys(CHANNELS) as ChannelName[]) {
    for (const type of messageTypes(c)) {
      named[`${c}.${type}`] = envelopeOf(c, type, false);
      if (c === "quotas") named[`${c}.${type}.websocket`] = envelopeOf(c, type, true);
    }
    named[`${c}.poll`] = (rootProperty("RealtimeWire", "poll") as { properties: Record<string, JsonSchema> }).properties[c]!;
  }
  named.SocketAuth = rootProperty("RealtimeWire", "socketAuth");
  named.PlainCommand = rootProperty("RealtimeWire", "plainCommand");
  named.SubscribeArgs = rootProperty("RealtimeWire", "subscribeArgs");
  named.UpdateArgs = rootProperty("RealtimeWire", "updateArgs");
  named.UpdateRiskArgs = rootProperty("RealtimeWire", "updateRiskArgs");
  named.SubscribeRiskArgs = rootProperty("RealtimeWire", "subscribeRiskArgs");
  const { schemas, refOf } = buildComponents(named, SCHEMAS, "draft-07");
  const ref = (name: string) => ({ $ref: refOf[name]! });

  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const c of Object.keys(CHANNELS) as ChannelName[]) {
    const who = CHANNELS[c].role === "admin" ? "admins" : "anyone signed in";
    const logged = new Set<string>(LOGGED_TYPES[c]);
    for (const t of TRANSPORTS) {
      const id = channelId(c, t);
      const messages: Record<string, unknown> = {};
      const serverTypes = t === "polling" ? [] : messageTypes(c);
      for (const type of serverTypes) {
        const notes = [
          logged.has(type) ? "Kept in the channel's log: a resume replays it." : "Sent to one client; not logged.",
          type === SNAPSHOT_TYPE[c] ? "The snapshot a client starts from (on connect, after a resync, for `refresh`)." : "",
          type === "error" ? `\`code\` is one of ${Object.keys(CODES).join(", ")}.` : "",
        ].filter(Boolean);
        messages[type] = {
          name: type,
          title: type,
          summary: notes.join(" "),
          payload: ref(t === "websocket" && c === "quotas" ? `${c}.${type}.websocket` : `${c}.${type}`),
        };
      }
      const commands = t === "socketio" || t === "websocket" ? (Object.keys(COMMAND_ACKS[c]) as string[]) : [];
      for (const cmd of commands) {
        messages[`command_${cmd}`] = {
          name: cmd,
          title: `${cmd} (command)`,
          summary: commandSummary(cmd, t === "socketio"),
          ...(t === "websocket"
            ? { payload: ref("PlainCommand") }
            : cmd === "subscribe"
              ? { payload: ref("SubscribeArgs") }
              : cmd === "subscribe_risk"
                ? { payload: ref("SubscribeRiskArgs") }
                : cmd === "update_risk"
                  ? { payload: ref("UpdateRiskArgs") }
                  : cmd.startsWith("update_")
                    ? { payload: ref("UpdateArgs") }
                    : {}),
        };
      }
      if (t === "polling") {
        messages.poll_request = {
          name: "poll",
          title: "poll request",
          summary: "`GET` the address with `?since=`.",
          bindings: { http: { bindingVersion: "0.3.0" } },
        };
        messages.poll_answer = { name: "poll_answer", title: "poll answer", payload: ref(`${c}.poll`) };
      }
      channels[id] = {
        address: address(c, t),
        title: `${c} over ${t}`,
        description: `The ${c} channel (${who}). ${TRANSPORT_TEXT[t]}${c === "dashboard" ? sectionsNote(t) + riskNote(t) : ""}`,
        servers: [{ $ref: `#/servers/${t === "sse" || t === "polling" ? "http" : t}` }],
        messages,
        "x-resume": RESUME[t],
        ...(t === "socketio" ? { "x-socketio-auth": ref("SocketAuth") } : {}),
        ...(t === "websocket"
          ? {
              bindings: {
                ws: {
                  method: "GET",
                  query: {
                    type: "object",
                    properties: {
                      last_event_id: { type: "string", description: "resume after this envelope id" },
                      token: { type: "string", description: "an API token (or send Authorization: Bearer)" },
                      ...(c === "dashboard" ? sectionsQuery : {}),
                    },
                  },
                  bindingVersion: "0.1.0",
                },
              },
            }
          : {}),
      };
      const chan = { $ref: `#/channels/${id}` };
      const msg = (name: string) => ({ $ref: `#/channels/${id}/messages/${name}` });
      if (t === "polling") {
        operations[`${id}_poll`] = {
          action: "receive",
          channel: chan,
          summary: "Answer a poll",
          messages: [msg("poll_request")],
          reply: { channel: chan, messages: [msg("poll_answer")] },
          bindings: {
            http: {
              method: "GET",
              query: {
                type: "object",
                properties: {
                  since: { type: "string", description: "the last envelope id you hold (`next` of the previous answer)" },
                  ...(c === "dashboard" ? sectionsQuery : {}),
                },
              },
              bindingVersion: "0.3.0",
            },
          },
        };
        continue;
      }
      operations[`${id}_messages`] = {
        action: "send",
        channel: chan,
        summary: `The ${c} channel's messages, in log order`,
        messages: serverTypes.map(msg),
        ...(t === "sse"
          ? {
              bindings: {
                http: {
                  method: "GET",
                  query: {
                    type: "object",
                    properties: {
                      lastEventId: { type: "string", description: "resume after this envelope id (as the Last-Event-ID header)" },
                      token: { type: "string", description: "an API token (EventSource cannot set a header)" },
                      ...(c === "dashboard" ? sectionsQuery : {}),
                    },
                  },
                  bindingVersion: "0.3.0",
                },
              },
            }
          : {}),
      };
      for (const cmd of commands) {
        const ack = COMMAND_ACKS[c][cmd as keyof (typeof COMMAND_ACKS)[typeof c]] as string;
        operations[`${id}_${cmd}`] = {
          action: "receive",
          channel: chan,
          summary: `The \`${cmd}\` command: answered with \`${ack}\`, or an \`error\` (for example \`rate_limited\` with \`retry_after_ms\`)`,
          messages: [msg(`command_${cmd}`)],
          reply: { channel: chan, messages: [msg(ack), msg("error")] },
        };
      }
    }
  }

  const host = url.host;
  const scheme = (name: string) => ({ $ref: `#/components/securitySchemes/${name}` });
  const security = [scheme("sessionCookie"), scheme("bearerToken")];
  return {
    asyncapi: "3.0.0",
    info: {
      title: "RiskPulse real-time API",
      version: opts.version,
      description:
        "Every message on every transport is one envelope `{type, id, timestamp, data}`. `id` is the channel's log position (opaque: letters, digits, `-` and `.`); send the last one you hold back to resume and get exactly the logged messages after it, once, in order. If they have left the log or the log was recreated, a `resync` (with its `reason`) and a fresh snapshot come first. Terminal error codes (sign in again, ask an admin) mean: stop retrying.",
    },
    defaultContentType: "application/json",
    servers: {
      socketio: {
        host,
        protocol: tls ? "wss" : "ws",
        pathname: SOCKET_PATH,
        title: "Socket.IO",
        description: "Socket.IO 4 (engine.io), WebSocket or HTTP long-polling.",
        security,
      },
      websocket: { host, protocol: tls ? "wss" : "ws", title: "plain WebSocket", security: [...security, scheme("queryToken")] },
      http: { host, protocol: tls ? "https" : "http", title: "SSE and polling", security: [...security, scheme("queryToken")] },
    },
    channels,
    operations,
    components: {
      schemas,
      securitySchemes: {
        sessionCookie: {
          type: "httpApiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "The browser session (same origin).",
        },
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token in `Authorization: Bearer` (Socket.IO: or as `auth.token`, see `x-socketio-auth`).",
        },
        queryToken: { type: "httpApiKey", in: "query", name: "token", description: "An API token in the URL (plain WebSocket and SSE)." },
      },
    },
  };
}
