// Clients that behave like the browser's connection manager — reconnect on every drop and
// resume after the last envelope they hold — on each transport, recording what they receive so a
// scenario can check it against the server's log: ids strictly increasing, nothing missing,
// nothing twice, and the dashboard each client holds equal to the server's.
import { io, type Socket } from "socket.io-client";
import { applyDashboardMessage } from "@riskpulse/client";
import { CHANNELS } from "../../lib/contract/channels";
import { compareIds, cursorOf, parseId } from "../../lib/contract/ids";
import {
  LOGGED_TYPES,
  SNAPSHOT_TYPE,
  type ChannelName,
  type DashboardUpdate,
  type Envelope,
  type Message,
} from "../../lib/contract/protocol";

const CURSOR = {
  dashboard: new Set<string>([...LOGGED_TYPES.dashboard, SNAPSHOT_TYPE.dashboard]),
  quotas: new Set<string>([...LOGGED_TYPES.quotas, SNAPSHOT_TYPE.quotas]),
  notifications: new Set<string>([...LOGGED_TYPES.notifications, SNAPSHOT_TYPE.notifications]),
};

export interface StreamClient {
  name: string;
  channel: ChannelName;
  /** Logged messages and snapshots, in arrival order. */
  received: Envelope[];
  lastId: string | null;
  state: DashboardUpdate | null;
  reconnects: number;
  /** When the last (re)connect completed. */
  connectedAt: number;
  connected(): boolean;
  resyncs: number;
  gaps: number;
  close(): void;
}

function ledger(name: string, channel: ChannelName = "dashboard"): StreamClient & { take(env: Envelope): void } {
  const c = {
    name,
    channel,
    received: [] as Envelope[],
    lastId: null as string | null,
    state: null as DashboardUpdate | null,
    reconnects: 0,
    connectedAt: 0,
    connected: () => true,
    resyncs: 0,
    gaps: 0,
    close: () => {},
    take(env: Envelope) {
      if (env.type === "resync") c.resyncs++;
      if (!CURSOR[channel].has(env.type) || !parseId(env.id)) return;
      c.received.push(env);
      if (!c.lastId || compareIds(env.id, c.lastId) > 0) c.lastId = env.id;
      if (channel !== "dashboard") return;
      const r = applyDashboardMessage(c.state, env as Message<"dashboard">);
      if (r.kind === "updated") c.state = r.data;
      if (r.kind === "gap") c.gaps++;
    },
  };
  return c;
}

export function socketClient(
  base: string,
  auth: { token?: string; cookie?: string },
  name: string,
  channel: ChannelName = "dashboard",
): Promise<StreamClient> {
  const c = ledger(name, channel);
  const s: Socket = io(`${base}${CHANNELS[channel].namespace}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
    auth: (cb: (a: object) => void) => cb({ ...(auth.token ? { token: auth.token } : {}), ...(c.lastId ? { lastId: c.lastId } : {}) }),
  });
  let connected = 0;
  s.on("connect", () => {
    if (connected++ > 0) c.reconnects++;
    c.connectedAt = Date.now();
  });
  s.onAny((_e: string, env: Envelope) => c.take(env));
  c.close = () => s.close();
  c.connected = () => s.connected;
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(c));
    s.once("connect_error", reject);
  });
}

/** An SSE client that reopens the stream with Last-Event-ID whenever it ends or fails. */
export async function sseClient(base: string, token: string, name: string): Promise<StreamClient> {
  const c = ledger(name);
  let stop = false;
  let abort = new AbortController();
  let opened!: () => void;
  const first = new Promise<void>((r) => (opened = r));
  void (async () => {
    for (let attempt = 0; !stop; attempt++) {
      abort = new AbortController();
      try {
        const res = await fetch(`${base}/api/v1/sse/dashboard`, {
          headers: { authorization: `Bearer ${token}`, accept: "text/event-stream", ...(c.lastId ? { "last-event-id": c.lastId } : {}) },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        if (attempt > 0) c.reconnects++;
        opened();
        const decoder = new TextDecoder();
        let buf = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const data = buf
              .slice(0, i)
              .split("\n")
              .find((l) => l.startsWith("data: "));
            buf = buf.slice(i + 2);
            if (data) c.take(JSON.parse(data.slice(6)) as Envelope);
          }
        }
      } catch {
        /* dropped: reconnect */
      }
      if (!stop) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  c.close = () => {
    stop = true;
    abort.abort();
  };
  await first;
  return c;
}

/** A poller: GET …/events/dashboard?since=<cursor> every `everyMs`, retrying through errors. */
export async function pollClient(base: string, token: string, name: string, everyMs = 100): Promise<StreamClient> {
  const c = ledger(name);
  let stop = false;
  let next: string | null = null;
  let failing = false;
  const once = async () => {
    const res = await fetch(`${base}/api/v1/events/dashboard${next ? `?since=${encodeURIComponent(next)}` : ""}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { messages: Envelope[]; snapshot?: Envelope; resync?: boolean; next: string };
    if (failing) c.reconnects++;
    failing = false;
    if (body.resync) c.resyncs++;
    if (body.snapshot) c.take(body.snapshot);
    body.messages.forEach((m) => c.take(m));
    next = body.next;
  };
  await once();
  void (async () => {
    while (!stop) {
      await new Promise((r) => setTimeout(r, everyMs));
      await once().catch(() => (failing = true));
    }
  })();
  c.close = () => (stop = true);
  return c;
}

/**
 * Checks a client against the server's log: its ids strictly increase; from its first message
 * on it has every logged message the server has, each once; its dashboard equals the server's.
 */
export function check(c: StreamClient, serverLog: Envelope[], serverDashboard: DashboardUpdate | null) {
  const problems: string[] = [];
  const ids = c.received.map((e) => e.id);
  for (let i = 1; i < ids.length; i++)
    if (compareIds(ids[i - 1]!, ids[i]!) >= 0) problems.push(`ids not increasing: ${ids[i - 1]} then ${ids[i]}`);
  const start = ids[0] ? cursorOf(ids[0]) : null;
  const expected = serverLog.filter((m) => start && compareIds(m.id, start) > 0).map((m) => m.id);
  const got = new Set(c.received.filter((e) => parseId(e.id)![2] === -1).map((e) => e.id));
  const missing = expected.filter((id) => !got.has(id));
  const dup = c.received.length - new Set(ids).size;
  if (missing.length) problems.push(`missing ${missing.length}: ${missing.slice(0, 3).join(", ")}`);
  if (dup) problems.push(`${dup} duplicated`);
  if (c.gaps) problems.push(`${c.gaps} patches did not fit`);
  if (serverDashboard && JSON.stringify(c.state) !== JSON.stringify(serverDashboard))
    problems.push(`dashboard v${c.state?.version} ≠ server v${serverDashboard.version}`);
  return { problems, messages: c.received.length, missing: missing.length, duplicated: dup };
}
