// RiskPulse beside a bare Socket.IO server and a bare `ws` server, in the same run, with the same
// load generator(s) and the same payload (RiskPulse's own patch envelope, replayed): fan-out
// latency from the trigger request being sent, the server's own broadcast part per socket, and
// memory per idle connection after a forced GC. Every figure is kept absolute and as a ratio.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { collectAndMeasure } from "../inspector";
import { pct } from "../stats";

/** riskpulse: its Socket.IO namespace; riskpulse_ws: its plain WebSocket endpoint. */
export type Target = "riskpulse" | "riskpulse_ws" | "socketio" | "ws";
export interface Gen {
  ask: (op: string, a: Record<string, unknown>) => Promise<{ result: any; loadgen: { cpu_ms: number; wall_ms: number } }>;
  proc: ChildProcess;
}
export interface RiskPulseUnderTest {
  url: string;
  token: string;
  riskIds: number[];
}

const now = () => performance.timeOrigin + performance.now();
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : NaN);

// Loaded when used: test/support/server reads TEST_DB as it loads, which run.ts sets first.
const freePort = async () => (await import("../../../test/support/server")).freePort();

/** A bare baseline server in its own process (optionally with the inspector open for GC). */
export async function startBaseline(kind: "socketio" | "ws", inspectPort?: number) {
  const port = await freePort();
  const proc = fork(path.join(import.meta.dirname, "server.ts"), [kind, String(port)], {
    execArgv: ["--import", "tsx", ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [])],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    proc.once("message", () => resolve());
    proc.once("exit", (code) => reject(new Error(`${kind} baseline exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    stop: () => new Promise<void>((r) => (proc.once("exit", () => r()), proc.kill("SIGKILL"))),
  };
}

/** The dashboard's total broadcast time so far (ms) and how many: the server's own fan-out part. */
async function rpBroadcastTotals(rp: RiskPulseUnderTest) {
  const r = await fetch(`${rp.url}/api/v1/ws/stats`, { headers: { authorization: `Bearer ${rp.token}` } });
  const d = ((await r.json()) as { namespaces: Record<string, { total_broadcasts: number; avg_broadcast_time_ms: number }> }).namespaces[
    "/dashboard"
  ]!;
  return { n: d.total_broadcasts, ms: d.total_broadcasts * d.avg_broadcast_time_ms };
}

/** Held clients across the generators, split evenly. */
async function holdAcross(gens: Gen[], target: Target, base: string, token: string, n: number) {
  await Promise.all(
    gens.map((g, i) => g.ask("hold", { target, base, token, n: Math.floor(n / gens.length) + (i < n % gens.length ? 1 : 0) })),
  );
}

/** One round on every generator: arm, trigger, collect. Latencies are from the trigger being sent. */
async function round(gens: Gen[], minVersion: number, trigger: () => Promise<number | void>) {
  await Promise.all(gens.map((g) => g.ask("arm", { type: "dashboard_patch", minVersion })));
  const sent = now();
  const own = await trigger();
  const got = await Promise.all(gens.map((g) => g.ask("collect", {})));
  return {
    latencies: got.flatMap((g) => (g.result.arrivals as number[]).map((t) => t - sent)),
    env: got[0]!.result.env as { data: { version: number } },
    ownMs: typeof own === "number" ? own : NaN,
  };
}

/**
 * Fan-out to `sizes` clients on each target, interleaved per size (RiskPulse, Socket.IO, ws) so
 * drift on a shared machine weighs on all three alike. `gens` generator processes share the clients.
 */
export async function compareFanout(opts: {
  rp: RiskPulseUnderTest;
  sizes: number[];
  rounds: number;
  gens: Gen[];
  log: (s: string) => void;
}) {
  const { rp, sizes, rounds, gens, log } = opts;
  const rows = [];
  let payload: { data: { version: number } } | null = null;
  for (const n of sizes) {
    const row: Record<string, unknown> = { clients: n, generators: gens.length };
    for (const target of ["riskpulse", "socketio", "riskpulse_ws", "ws"] as const) {
      log(`baselines: fan-out to ${n} clients of ${target} (${gens.length} generator${gens.length > 1 ? "s" : ""})…`);
      const ours = target === "riskpulse" || target === "riskpulse_ws";
      const base = ours ? null : await startBaseline(target);
      const url = base?.url ?? rp.url;
      await holdAcross(gens, target, url, rp.token, n);
      const latencies: number[] = [];
      const own: number[] = [];
      if (ours) {
        let version = Number(
          (
            (await (await fetch(`${rp.url}/api/v1/dashboard`, { headers: { authorization: `Bearer ${rp.token}` } })).json()) as {
              version: number;
            }
          ).version,
        );
        for (let r = 0; r < rounds; r++) {
          const id = rp.riskIds[r % rp.riskIds.length];
          const h = { authorization: `Bearer ${rp.token}`, "content-type": "application/json" };
          const cur = (await (await fetch(`${rp.url}/api/v1/risks/${id}`, { headers: h })).json()) as { severity: string };
          const before = await rpBroadcastTotals(rp);
          const x = await round(gens, version, async () => {
            const res = await fetch(`${rp.url}/api/v1/risks/${id}`, {
              method: "PATCH",
              headers: h,
              body: JSON.stringify({ severity: cur.severity === "low" ? "medium" : "low" }),
            });
            if (!res.ok) throw new Error(`PATCH ${res.status}`);
          });
          const after = await rpBroadcastTotals(rp);
          latencies.push(...x.latencies);
          if (after.n > before.n) own.push((after.ms - before.ms) / (after.n - before.n));
          version = x.env.data.version;
          payload ??= x.env;
          await new Promise((s) => setTimeout(s, 100));
        }
      } else {
        for (let r = 0; r < rounds; r++) {
          const env = { ...payload!, data: { ...payload!.data, version: r + 1 } };
          const x = await round(gens, r, async () => {
            const res = await fetch(`${url}/trigger`, { method: "POST", body: JSON.stringify(env) });
            return ((await res.json()) as { loop_ms: number }).loop_ms;
          });
          latencies.push(...x.latencies);
          own.push(x.ownMs);
          await new Promise((s) => setTimeout(s, 100));
        }
      }
      await Promise.all(gens.map((g) => g.ask("releaseAll", {})));
      await base?.stop();
      row[target] = {
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        max: pct(latencies, 100),
        own_broadcast_ms: pct(own, 50),
        own_us_per_socket: Math.round((pct(own, 50) / n) * 1000 * 100) / 100,
      };
    }
    const [a, s, w, p] = [row.riskpulse, row.socketio, row.ws, row.riskpulse_ws] as {
      p50: number;
      p99: number;
      own_us_per_socket: number;
    }[];
    row.ratio_to_socketio = {
      p50: ratio(a!.p50, s!.p50),
      p99: ratio(a!.p99, s!.p99),
      own_per_socket: ratio(a!.own_us_per_socket, s!.own_us_per_socket),
    };
    row.ratio_to_ws = {
      p50: ratio(a!.p50, w!.p50),
      p99: ratio(a!.p99, w!.p99),
      own_per_socket: ratio(a!.own_us_per_socket, w!.own_us_per_socket),
    };
    // RiskPulse's plain WebSocket endpoint (shared pre-encoded frames) against the bare ws server.
    row.plain_ratio_to_ws = {
      p50: ratio(p!.p50, w!.p50),
      p99: ratio(p!.p99, w!.p99),
      own_per_socket: ratio(p!.own_us_per_socket, w!.own_us_per_socket),
    };
    rows.push(row);
  }
  return rows;
}

/**
 * Memory per idle connection on a fresh server of each kind: a forced full GC, a reading, `n`
 * idle clients settled, another GC, another reading. `startRiskPulse` gets an inspector port.
 */
export async function compareMemory(opts: {
  n: number;
  gen: Gen;
  /** A fresh RiskPulse server with the inspector on `inspectPort`, and an API token on it. */
  startRiskPulse: (inspectPort: number) => Promise<{ url: string; token: string; stop: () => Promise<unknown> }>;
  log: (s: string) => void;
}) {
  const out: Record<string, unknown> = { connections: opts.n };
  for (const target of ["riskpulse", "socketio", "ws"] as const) {
    opts.log(`baselines: memory of ${opts.n} idle connections on a fresh ${target} server…`);
    const inspect = await freePort();
    const srv = target === "riskpulse" ? await opts.startRiskPulse(inspect) : await startBaseline(target, inspect);
    const m0 = await collectAndMeasure(inspect);
    await opts.gen.ask("hold", { target, base: srv.url, token: "token" in srv ? srv.token : "", n: opts.n });
    await new Promise((r) => setTimeout(r, 2000));
    const m1 = await collectAndMeasure(inspect);
    await opts.gen.ask("releaseAll", {});
    await srv.stop();
    out[target] = {
      rss_bytes_per_connection: Math.round((m1.rss - m0.rss) / opts.n),
      heap_bytes_per_connection: Math.round((m1.heapUsed - m0.heapUsed) / opts.n),
    };
  }
  const rp = out.riskpulse as { rss_bytes_per_connection: number };
  out.rss_ratio_to_socketio = ratio(rp.rss_bytes_per_connection, (out.socketio as typeof rp).rss_bytes_per_connection);
  out.rss_ratio_to_ws = ratio(rp.rss_bytes_per_connection, (out.ws as typeof rp).rss_bytes_per_connection);
  return out;
}

/** The compression settings compared: off, on with frames shared across sockets, on with ws's per-socket context. */
export const COMPRESSION_MODES = {
  off: { WS_COMPRESSION: "off" },
  shared: { WS_COMPRESSION: "on", WS_COMPRESSION_CONTEXT_TAKEOVER: "0" },
  context_takeover: { WS_COMPRESSION: "on", WS_COMPRESSION_CONTEXT_TAKEOVER: "1" },
} as const;

/**
 * permessage-deflate off / on (shared frames, server_no_context_takeover) / on with context
 * takeover (ws, per socket): for each, a fresh RiskPulse server; per transport (Socket.IO,
 * plain WebSocket) `n` clients that offer deflate: memory per idle connection after a forced GC
 * (each has had its snapshot), bytes on the wire for the connect (handshake + snapshot) and per
 * broadcast, the server's CPU per broadcast round (the REST change included) and its own
 * broadcast time per socket.
 */
export async function compareCompression(opts: {
  n: number;
  rounds: number;
  /** Which settings (default: all three; the harness test runs one, to stay quick). */
  modes?: (keyof typeof COMPRESSION_MODES)[];
  gen: Gen;
  startRiskPulse: (
    inspectPort: number,
    env: Record<string, string>,
  ) => Promise<{ url: string; token: string; pid: number; riskIds: number[]; stop: () => Promise<unknown> }>;
  cpuMs: (pid: number) => number;
  log: (s: string) => void;
}) {
  const { n, rounds, gen, log } = opts;
  const out: Record<string, Record<string, unknown>> = {};
  for (const mode of opts.modes ?? (Object.keys(COMPRESSION_MODES) as (keyof typeof COMPRESSION_MODES)[])) {
    const env = COMPRESSION_MODES[mode];
    log(`compression ${mode}: ${n} clients per transport on a fresh server…`);
    const inspect = await freePort();
    const srv = await opts.startRiskPulse(inspect, { ...env });
    const rp: RiskPulseUnderTest = { url: srv.url, token: srv.token, riskIds: srv.riskIds };
    const h = { authorization: `Bearer ${rp.token}`, "content-type": "application/json" };
    out[mode] = {};
    try {
      for (const target of ["riskpulse", "riskpulse_ws"] as const) {
        const m0 = await collectAndMeasure(inspect);
        const w0 = (await gen.ask("wire", {})).result.bytes as number;
        await gen.ask("hold", { target, base: rp.url, token: rp.token, n, deflate: true });
        await new Promise((r) => setTimeout(r, 2000));
        const w1 = (await gen.ask("wire", {})).result.bytes as number;
        const m1 = await collectAndMeasure(inspect);
        let version = Number(((await (await fetch(`${rp.url}/api/v1/dashboard`, { headers: h })).json()) as { version: number }).version);
        const before = await rpBroadcastTotals(rp);
        const cpu0 = opts.cpuMs(srv.pid);
        const wire: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const id = rp.riskIds[r % rp.riskIds.length];
          const cur = (await (await fetch(`${rp.url}/api/v1/risks/${id}`, { headers: h })).json()) as { severity: string };
          const a = (await gen.ask("wire", {})).result.bytes as number;
          const x = await round([gen], version, async () => {
            const res = await fetch(`${rp.url}/api/v1/risks/${id}`, {
              method: "PATCH",
              headers: h,
              body: JSON.stringify({ severity: cur.severity === "low" ? "medium" : "low" }),
            });
            if (!res.ok) throw new Error(`PATCH ${res.status}`);
          });
          wire.push(((await gen.ask("wire", {})).result.bytes - a) / n);
          version = x.env.data.version;
          await new Promise((s) => setTimeout(s, 100));
        }
        const cpu = opts.cpuMs(srv.pid) - cpu0;
        const after = await rpBroadcastTotals(rp);
        await gen.ask("releaseAll", {});
        const perBroadcast = pct(wire, 50);
        out[mode][target === "riskpulse" ? "socketio" : "plain_websocket"] = {
          clients: n,
          rss_bytes_per_connection: Math.round((m1.rss - m0.rss) / n),
          heap_bytes_per_connection: Math.round((m1.heapUsed - m0.heapUsed) / n),
          connect_wire_bytes_per_client: Math.round((w1 - w0) / n),
          wire_bytes_per_broadcast_per_client: Math.round(perBroadcast),
          // One single-risk patch a minute and the transport's heartbeat (a 2-byte ping frame plus
          // Socket.IO's 1-byte "2" every PING_INTERVAL_MS=10 s), a reconnect's snapshot left out.
          wire_bytes_per_client_hour: Math.round(60 * perBroadcast + 360 * (target === "riskpulse" ? 3 : 2)),
          server_cpu_ms_per_broadcast_round: Math.round((cpu / rounds) * 10) / 10,
          own_broadcast_us_per_socket:
            after.n > before.n ? Math.round((((after.ms - before.ms) / (after.n - before.n)) * 1000 * 100) / n) / 100 : NaN,
        };
      }
    } finally {
      await srv.stop();
    }
  }
  return out;
}
