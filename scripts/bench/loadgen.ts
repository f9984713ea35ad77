// The benchmark's load generator: a separate process, driven by run.ts over IPC, so its CPU
// never counts as the server's. Each request names a scenario; the answer carries raw samples
// and this process's own CPU use. Clients are spread round-robin over `bases` (several
// instances in cluster mode).
import autocannon from "autocannon";
import WebSocket from "ws";
import { LightClient } from "./light-client";
import { LightSse } from "./light-sse";
import { LightWs } from "./light-ws";

type Msg = { id: number; op: string; args: Record<string, any> };
type Client = LightClient | LightSse | LightWs;
const send = (m: unknown) => process.send!(m);

async function connectMany(
  bases: string[],
  /** websocket: Socket.IO (RiskPulse or the bare baseline); ws: the bare `ws` baseline's /ws; plain: RiskPulse's plain WebSocket. */
  kind: "websocket" | "sse" | "ws" | "plain",
  nsp: string,
  token: string,
  n: number,
  batch = 200,
  /** Offer permessage-deflate (WebSocket kinds). */
  deflate = false,
): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, (_, k) => {
          const base = bases[(i + k) % bases.length]!;
          if (kind === "ws") return LightWs.connect(`${base.replace(/^http/, "ws")}/ws`, 20_000, deflate);
          if (kind === "plain")
            return LightWs.connect(
              `${base.replace(/^http/, "ws")}/api/v1/ws/dashboard?token=${encodeURIComponent(token)}`,
              20_000,
              deflate,
            );
          return kind === "sse"
            ? LightSse.connect(base, nsp === "/dashboard" ? "/api/v1/sse/dashboard" : "/api/v1/sse/admin/quotas", token)
            : LightClient.connect(base, nsp, token, 20_000, deflate);
        }),
      )),
    );
  }
  return out;
}

/** Resolves with when each client got the first `type` message matching `match` (performance.now and wall clock). */
function waitAll(clients: Client[], type: string, match: (env: { timestamp: string; data: any }) => boolean, timeoutMs = 20_000) {
  return new Promise<{ at: number[]; wall: number[]; stamps: number[]; env: { timestamp: string; data: any } | null }>(
    (resolve, reject) => {
      const at: number[] = new Array(clients.length).fill(NaN);
      const wall: number[] = new Array(clients.length).fill(NaN);
      const stamps: number[] = new Array(clients.length).fill(NaN);
      let env: { timestamp: string; data: any } | null = null;
      let left = clients.length;
      const timer = setTimeout(() => reject(new Error(`${left} of ${clients.length} clients did not get ${type}`)), timeoutMs);
      clients.forEach((c, i) => {
        c.onEvent = (t, e, when, w) => {
          if (t !== type || !Number.isNaN(at[i]!) || !match(e)) return;
          at[i] = when;
          wall[i] = w;
          stamps[i] = Date.parse(e.timestamp);
          env ??= e;
          if (--left === 0) {
            clearTimeout(timer);
            resolve({ at, wall, stamps, env });
          }
        };
      });
    },
  );
}

const api = (base: string, token: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const ops: Record<string, (a: Record<string, any>) => Promise<unknown>> = {
  /** N dashboard clients (WebSocket or SSE); a risk changed over REST; REST answer → each client has the patch. */
  async fanout({ bases, token, clients: n, rounds, riskIds, transport = "websocket" }) {
    const clients = await connectMany(bases, transport, "/dashboard", token, n);
    const latencies: number[] = [];
    const patchBytes: number[] = [];
    let version = Number((await (await api(bases[0], token, "GET", "/api/v1/dashboard")).json()).version);
    for (let r = 0; r < rounds; r++) {
      const done = waitAll(clients, "dashboard_patch", (env) => (env.data as { version: number }).version > version);
      const id = riskIds[r % riskIds.length];
      const cur = await (await api(bases[0], token, "GET", `/api/v1/risks/${id}`)).json();
      const res = await api(bases[0], token, "PATCH", `/api/v1/risks/${id}`, { severity: cur.severity === "low" ? "medium" : "low" });
      const answered = performance.now();
      if (!res.ok) throw new Error(`PATCH ${res.status}`);
      const bytesBefore = clients[0]!.bytes;
      const { at, env } = await done;
      patchBytes.push(clients[0]!.bytes - bytesBefore);
      latencies.push(...at.map((t) => t - answered));
      version = (env!.data as { version: number }).version;
      await new Promise((s) => setTimeout(s, 100)); // rounds apart: an isolated change each
    }
    clients.forEach((c) => c.close());
    return { latencies, patchBytes };
  },

  /** N admin clients; a command over its limit; 429 answer → each client has the violation. */
  async violation({ bases, commandBase, token, clients: n, rounds }) {
    const clients = await connectMany(bases, "websocket", "/admin/quotas", token, n);
    const fromAnswer: number[] = [],
      fromRequest: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const done = waitAll(clients, "violation", () => true);
      const sent = performance.now();
      const res = await api(commandBase ?? bases[0], token, "POST", "/api/v1/commands", { command_type: "bench-blocked" });
      const answered = performance.now();
      if (res.status !== 429) throw new Error(`expected 429, got ${res.status}`);
      const { at } = await done;
      fromAnswer.push(...at.map((t) => t - answered));
      fromRequest.push(...at.map((t) => t - sent));
    }
    clients.forEach((c) => c.close());
    return { fromAnswer, fromRequest };
  },

  /** N admin clients; `rounds` stats pushes; stats computed (their timestamp) → each client has them. */
  async stats({ bases, token, clients: n, rounds }) {
    const clients = await connectMany(bases, "websocket", "/admin/quotas", token, n);
    const latencies: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { wall, stamps } = await waitAll(clients, "stats", () => true, 15_000);
      if (r === 0) continue; // the first may be the connect-time snapshot
      latencies.push(...wall.map((w, i) => w - stamps[i]!)); // each against its own message's timestamp
    }
    clients.forEach((c) => c.close());
    return { latencies };
  },

  /** N admin clients; per round one user's third violation of the day raises an alert: its 429 answer → each client has the alert. */
  async alert({ bases, token, clients: n, users }) {
    const clients = await connectMany(bases, "websocket", "/admin/quotas", token, n);
    const fromAnswer: number[] = [];
    for (const userId of users as number[]) {
      for (let k = 0; k < 2; k++) await api(bases[0], token, "POST", "/api/v1/commands", { command_type: "bench-alert", user_id: userId });
      const done = waitAll(clients, "alert", (env) => env.data.user_id === userId);
      const res = await api(bases[0], token, "POST", "/api/v1/commands", { command_type: "bench-alert", user_id: userId });
      const answered = performance.now();
      if (res.status !== 429) throw new Error(`expected 429, got ${res.status}`);
      const { at } = await done;
      fromAnswer.push(...at.map((t) => t - answered));
    }
    clients.forEach((c) => c.close());
    return { fromAnswer };
  },

  /** Ramp idle /dashboard connections; at each step the ping round trip of a sample. */
  async ramp({ bases, token, steps, sample }) {
    const clients: LightClient[] = [];
    const points: { connections: number; p95_ping_ms: number; errors: number }[] = [];
    for (const target of steps as number[]) {
      let errors = 0;
      try {
        clients.push(...((await connectMany(bases, "websocket", "/dashboard", token, target - clients.length, 250)) as LightClient[]));
      } catch {
        errors++;
      }
      await new Promise((s) => setTimeout(s, 500));
      const picks = Array.from({ length: Math.min(sample, clients.length) }, (_, i) => clients[Math.floor((i * clients.length) / sample)]!);
      const rtts = (await Promise.all(picks.map((c) => c.ping().catch(() => (errors++, Infinity))))).sort((a, b) => a - b);
      const p95 = rtts[Math.min(rtts.length - 1, Math.floor(rtts.length * 0.95))] ?? Infinity;
      points.push({ connections: clients.length, p95_ping_ms: Math.round(p95 * 10) / 10, errors });
      send({ progress: points.at(-1) });
      if (errors > 0 || p95 > 250) break;
    }
    held = clients; // kept open until releaseAll, so the server can be measured holding them
    return { points, hold: clients.length };
  },

  /**
   * Connects `n` idle clients and keeps them (for the baselines comparison): to RiskPulse's or a
   * bare Socket.IO server's /dashboard namespace, to a bare `ws` server's /ws, or to RiskPulse's
   * plain WebSocket (`riskpulse_ws`); `deflate`: offering permessage-deflate.
   */
  async hold({ target, base, token, n, deflate = false }) {
    const kind = target === "ws" ? "ws" : target === "riskpulse_ws" ? "plain" : "websocket";
    held.push(...(await connectMany([base], kind, "/dashboard", token, n, 200, deflate)));
    return { held: held.length };
  },

  /** Bytes the held clients read from their TCP sockets so far, all together (compressed where negotiated). */
  async wire() {
    return { bytes: held.reduce((sum, c) => sum + ("wire" in c ? c.wire() : 0), 0), clients: held.length };
  },

  /** Starts waiting for every held client's first `type` message with data.version > minVersion (answered at once). */
  async arm({ type, minVersion }) {
    armed = waitAll(held, type, (env) => (env.data as { version: number }).version > minVersion);
    armed.catch(() => {}); // collected by `collect`
    return {};
  },

  /** When each held client got the armed message, as epoch ms (comparable across generator processes), and the message. */
  async collect() {
    const { at, env } = await armed!;
    return { arrivals: at.map((t) => performance.timeOrigin + t), env };
  },

  async releaseAll() {
    held.forEach((c) => c.close());
    held = [];
    return {};
  },

  /** The same token and connections against POST /api/v1/commands, then GET /api/v1/me: the ratio is the command path's cost. */
  async ingest({ bases, token, connections, seconds }) {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const run = (opts: Partial<autocannon.Options>) => autocannon({ url: bases[0], connections, duration: seconds, headers, ...opts });
    const merge = (a: ReturnType<typeof summary>, b: ReturnType<typeof summary>) => ({
      rps: Math.round(((a.rps + b.rps) / 2) * 100) / 100,
      p50: (a.p50 + b.p50) / 2,
      p99: (a.p99 + b.p99) / 2,
      max: Math.max(a.max, b.max),
      non2xx: a.non2xx + b.non2xx,
      errors: a.errors + b.errors,
    });
    const summary = (r: autocannon.Result) => ({
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
    });
    // A-B-B-A halves, so drift on a shared machine (neighbours, thermal) weighs on both sides alike.
    const half = Math.max(1, Math.round(seconds / 2));
    const cmd = () =>
      run({ url: `${bases[0]}/api/v1/commands`, method: "POST", body: JSON.stringify({ command_type: "bench-open" }), duration: half });
    const me = () => run({ url: `${bases[0]}/api/v1/me`, method: "GET", duration: half });
    const sock = () => socketCommands(bases[0]!, token, connections, half);
    // REST command, me, socket, socket, me, REST command: the socket path sits in the middle of the same run.
    const c1 = await cmd();
    const m1 = await me();
    const s1 = await sock();
    const s2 = await sock();
    const m2 = await me();
    const c2 = await cmd();
    return { commands: merge(summary(c1), summary(c2)), me: merge(summary(m1), summary(m2)), socket: merge(s1, s2) };
  },
};
/**
 * `record_command` over the plain WebSocket: `connections` sockets, each sending its next quota
 * check as soon as the previous one is answered (closed loop, as autocannon's connections do),
 * for `seconds`. Latency is request sent → its command_result read.
 */
async function socketCommands(base: string, token: string, connections: number, seconds: number) {
  const url = `${base.replace(/^http/, "ws")}/api/v1/ws/dashboard?token=${encodeURIComponent(token)}`;
  const socks = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, { perMessageDeflate: false });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  const latencies: number[] = [];
  let refused = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    socks.map(
      (ws, k) =>
        new Promise<void>((resolve) => {
          let n = 0;
          let sentAt = 0;
          const next = () => {
            if (performance.now() >= end) return resolve();
            sentAt = performance.now();
            ws.send(JSON.stringify({ action: "record_command", request_id: `${k}-${++n}`, args: { command_type: "bench-open" } }));
          };
          ws.on("message", (raw: Buffer) => {
            const f = JSON.parse(raw.toString()) as { type: string; data?: { ok?: boolean; status?: number } };
            if (f.type !== "command_result") return;
            latencies.push(performance.now() - sentAt);
            if (!f.data?.ok || f.data.status !== 200) refused++;
            next();
          });
          next();
        }),
    ),
  );
  socks.forEach((ws) => ws.terminate());
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 100) / 100;
  return { rps: Math.round((latencies.length / seconds) * 100) / 100, p50: q(0.5), p99: q(0.99), max: q(1), non2xx: refused, errors: 0 };
}

let held: Client[] = [];
let armed: ReturnType<typeof waitAll> | null = null;

process.on("message", async (m: Msg) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const op = ops[m.op];
    if (!op) throw new Error(`unknown op ${m.op}`);
    const result = await op(m.args);
    const cpu = process.cpuUsage(cpu0);
    send({
      id: m.id,
      result,
      loadgen: { cpu_ms: Math.round((cpu.user + cpu.system) / 1000), wall_ms: Math.round(performance.now() - t0) },
    });
  } catch (e) {
    send({ id: m.id, error: (e as Error).message });
  }
});
