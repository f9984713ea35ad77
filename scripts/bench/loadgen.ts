// The benchmark's load generator: a separate process, driven by run.ts over IPC, so its CPU
// never counts as the server's. Each request names a scenario; the answer carries raw samples
// and this process's own CPU use.
import autocannon from "autocannon";
import { LightClient } from "./light-client";

type Msg = { id: number; op: string; args: Record<string, any> };
const send = (m: unknown) => process.send!(m);

async function connectMany(base: string, nsp: string, token: string, n: number, batch = 200): Promise<LightClient[]> {
  const out: LightClient[] = [];
  for (let i = 0; i < n; i += batch)
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => LightClient.connect(base, nsp, token)))));
  return out;
}

function waitAll(clients: LightClient[], type: string, match: (env: { data: any }) => boolean, timeoutMs = 15_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const at: number[] = new Array(clients.length).fill(NaN);
    let left = clients.length;
    const timer = setTimeout(() => reject(new Error(`${left} of ${clients.length} clients did not get ${type}`)), timeoutMs);
    clients.forEach((c, i) => {
      c.onEvent = (t, env, when) => {
        if (t !== type || !Number.isNaN(at[i]) || !match(env)) return;
        at[i] = when;
        if (--left === 0) {
          clearTimeout(timer);
          resolve(at);
        }
      };
    });
  });
}

const api = (base: string, token: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const ops: Record<string, (a: Record<string, any>) => Promise<unknown>> = {
  /** N dashboard clients; a risk changed over REST; REST answer → each client has the patch. */
  async fanout({ base, token, clients: n, rounds, riskIds }) {
    const clients = await connectMany(base, "/dashboard", token, n);
    const latencies: number[] = [];
    const patchBytes: number[] = [];
    let version = 0;
    for (let r = 0; r < rounds; r++) {
      const done = waitAll(clients, "dashboard_patch", (env) => (env.data as { version: number }).version > version);
      const id = riskIds[r % riskIds.length];
      const cur = await (await api(base, token, "GET", `/api/v1/risks/${id}`)).json();
      const res = await api(base, token, "PATCH", `/api/v1/risks/${id}`, { severity: cur.severity === "low" ? "medium" : "low" });
      const answered = performance.now();
      if (!res.ok) throw new Error(`PATCH ${res.status}`);
      const bytesBefore = clients[0]!.bytes;
      const at = await done;
      patchBytes.push(clients[0]!.bytes - bytesBefore);
      latencies.push(...at.map((t) => t - answered));
      version = Number((await (await api(base, token, "GET", "/api/v1/dashboard")).json()).version);
      await new Promise((s) => setTimeout(s, 150)); // rounds apart: one patch each
    }
    clients.forEach((c) => c.close());
    return { latencies, patchBytes };
  },

  /** N admin clients; a command over its limit; 429 answer → each client has the violation. */
  async violation({ base, token, clients: n, rounds }) {
    const clients = await connectMany(base, "/admin/quotas", token, n);
    const fromAnswer: number[] = [],
      fromRequest: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const done = waitAll(clients, "violation", () => true);
      const sent = performance.now();
      const res = await api(base, token, "POST", "/api/v1/commands", { command_type: "bench-blocked" });
      const answered = performance.now();
      if (res.status !== 429) throw new Error(`expected 429, got ${res.status}`);
      const at = await done;
      fromAnswer.push(...at.map((t) => t - answered));
      fromRequest.push(...at.map((t) => t - sent));
    }
    clients.forEach((c) => c.close());
    return { fromAnswer, fromRequest };
  },

  /** Ramp idle /dashboard connections; at each step the ping round trip of a sample. */
  async ramp({ base, token, steps, sample }) {
    const clients: LightClient[] = [];
    const points: { connections: number; p95_ping_ms: number; errors: number }[] = [];
    for (const target of steps as number[]) {
      let errors = 0;
      try {
        clients.push(...(await connectMany(base, "/dashboard", token, target - clients.length, 250)));
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

  async releaseAll() {
    held.forEach((c) => c.close());
    held = [];
    return {};
  },

  /** POST /api/v1/commands at a fixed concurrency (autocannon). */
  async ingest({ base, token, connections, seconds }) {
    const r = await autocannon({
      url: `${base}/api/v1/commands`,
      method: "POST",
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ command_type: "bench-open" }),
    });
    return {
      rps: r.requests.average,
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  },
};
let held: LightClient[] = [];

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
