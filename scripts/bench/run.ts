// npm run bench [-- --quick] [-- --db postgres] [-- --tiny] [-- --out file] [-- --coalesce-ms N]
// Starts a production server on a fresh database, drives it from a separate load-generator
// process (loadgen.ts), and writes bench/results/<date>.json plus a Markdown table. Numbers
// are reported against the goals; nothing here fails a build.
import { execFileSync, fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const tiny = args.includes("--tiny"); // the CI smoke test: seconds, not minutes
const db = args.includes("--db") ? args[args.indexOf("--db") + 1] : "sqlite";
const out = args.includes("--out")
  ? args[args.indexOf("--out") + 1]!
  : path.join("bench/results", `${new Date().toISOString().slice(0, 10)}${quick ? "-quick" : ""}.json`);
const coalesceMs = args.includes("--coalesce-ms") ? args[args.indexOf("--coalesce-ms") + 1] : undefined;
process.env.TEST_DB = db === "postgres" ? "postgres" : "sqlite";

const plan = tiny
  ? { fanout: [20], rounds: 2, admins: 10, vrounds: 2, ramp: [50, 100], ingestS: 2, recompute: [200, 500], idleS: 2 }
  : quick
    ? { fanout: [100, 1000], rounds: 5, admins: 100, vrounds: 10, ramp: [1000, 3000], ingestS: 5, recompute: [1000, 10_000], idleS: 5 }
    : {
        fanout: [100, 1000, 5000],
        rounds: 10,
        admins: 100,
        vrounds: 20,
        ramp: [1000, 2500, 5000, 10_000, 15_000, 19_000],
        ingestS: 15,
        recompute: [1000, 10_000, 100_000],
        idleS: 20,
      };

const pct = (xs: number[], p: number) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100 : NaN;
};
const dist = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) });

function procStats(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return { cpu_ms: ticks * 10, rss_bytes: rssKb * 1024 }; // USER_HZ = 100
}

async function main() {
  if (!fs.existsSync("dist/server.mjs") || !fs.existsSync(".next/BUILD_ID")) {
    process.stderr.write("no production build yet: building first (about a minute)…\n");
    execFileSync("npm", ["run", "-s", "build"], { stdio: ["ignore", 2, 2], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  }
  const { startServer } = await import("../../test/support/server");
  const { call, login, ADMIN } = await import("../../test/support/http");
  const started = Date.now();
  const srv = await startServer({
    env: {
      ENABLE_TEST_ENDPOINTS: "1",
      MAX_CONNECTIONS: "100000",
      DASHBOARD_TICK_MS: "3600000",
      LOG_LEVEL: "error",
      SLOW_CLIENT_MAX_QUEUE: "100000",
      ...(coalesceMs ? { DASHBOARD_COALESCE_MS: coalesceMs } : {}),
    },
  });
  const pid = srv.proc.pid!;
  const cookie = await login(srv.url, ADMIN);
  const token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "bench" })).body.token as string;
  const me = (await call(srv.url, { token }, "GET", "/api/v1/me")).body.id;
  await call(srv.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "bench-blocked", period: "daily", limit: 0 });
  await call(srv.url, { token }, "PUT", "/api/v1/quotas", {
    user_id: me,
    command_type: "bench-open",
    period: "hourly",
    limit: 1_000_000_000,
  });
  const riskIds = (await call(srv.url, { token }, "GET", "/api/v1/risks?status=open&sort=score&order=asc&page_size=50")).body.items.map(
    (r: { id: number }) => r.id,
  );

  const gen = fork(path.join("scripts/bench/loadgen.ts"), {
    execArgv: ["--require", "./scripts/preload.cjs", "--import", "tsx"],
    stdio: "inherit",
  });
  let seq = 0;
  const progress: ((p: unknown) => void)[] = [];
  const ask = (op: string, a: Record<string, unknown>) =>
    new Promise<{ result: any; loadgen: { cpu_ms: number; wall_ms: number } }>((resolve, reject) => {
      const id = ++seq;
      const on = (m: any) => {
        if (m.progress) return progress.forEach((p) => p(m.progress));
        if (m.id !== id) return;
        gen.off("message", on);
        if (m.error) reject(new Error(`${op}: ${m.error}`));
        else resolve(m);
      };
      gen.on("message", on);
      gen.send({ id, op, args: { base: srv.url, token, ...a } });
    });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    mode: tiny ? "tiny" : quick ? "quick" : "full",
    db,
    dashboard_coalesce_ms: Number(coalesceMs ?? 50),
    machine: { cores: (await import("node:os")).cpus().length },
  };

  try {
    // 1. Fan-out
    const fanout = [];
    for (const n of plan.fanout) {
      log(`fan-out: ${n} clients…`);
      const cpu0 = procStats(pid).cpu_ms;
      const r = await ask("fanout", { clients: n, rounds: plan.rounds, riskIds });
      const serverCpu = procStats(pid).cpu_ms - cpu0;
      fanout.push({
        clients: n,
        ...dist(r.result.latencies),
        server_cpu_ms_per_broadcast_incl_connects: Math.round(serverCpu / plan.rounds),
        patch_bytes_per_client: pct(r.result.patchBytes, 50),
        loadgen: r.loadgen,
      });
    }
    results.fanout = fanout;

    // 2. Violation path
    log(`violations: ${plan.admins} admins…`);
    const v = await ask("violation", { clients: plan.admins, rounds: plan.vrounds });
    results.violation = {
      clients: plan.admins,
      from_429_answer_ms: dist(v.result.fromAnswer),
      from_request_sent_ms: dist(v.result.fromRequest),
      loadgen: v.loadgen,
    };

    // 3. Connections
    log(`connections: ramp ${plan.ramp.join(", ")}…`);
    const base = procStats(pid).rss_bytes;
    const heap0 = (await call(srv.url, { token }, "GET", "/api/ws/health")).body.process.heap_used_bytes;
    const rssAt: number[] = [];
    progress.push(() => rssAt.push(procStats(pid).rss_bytes));
    const ramp = await ask("ramp", { steps: plan.ramp, sample: 20 });
    progress.length = 0;
    const held = ramp.result.hold as number;
    const h = (await call(srv.url, { token }, "GET", "/api/ws/health")).body;
    const rss = procStats(pid).rss_bytes;
    results.connections = {
      points: ramp.result.points.map((p: object, i: number) => ({ ...p, server_rss_mb: Math.round((rssAt[i] ?? 0) / 1e5) / 10 })),
      held,
      server_rss_bytes_per_connection: Math.round((rss - base) / held),
      server_heap_bytes_per_connection: Math.round((h.process.heap_used_bytes - heap0) / held),
      fd_limit_note: "each connection is a file descriptor in the load generator and the server (ulimit -n hard limit here: 20000)",
      loadgen: ramp.loadgen,
    };
    await ask("releaseAll", {});

    // 4. Bytes
    const full = (await call(srv.url, { token }, "GET", "/api/v1/events/dashboard")).body.snapshot;
    const fullBytes = JSON.stringify(full).length;
    const patchBytes = (fanout[0] as { patch_bytes_per_client: number }).patch_bytes_per_client;
    const pollBytes =
      JSON.stringify((await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${full.id}`)).body).length + 250; // + typical response headers
    results.bytes = {
      full_snapshot: fullBytes,
      single_risk_patch_ws_frame: patchBytes,
      patch_ratio: Math.round((patchBytes / fullBytes) * 1000) / 1000,
      idle_per_client_hour: {
        websocket: {
          bytes: (3 + 7) * (3600 / 10),
          basis: "engine.io ping (3 B) + pong (7 B, masked) every PING_INTERVAL_MS=10 s; no dashboard traffic when nothing changes",
        },
        sse: { bytes: 38 * (3600 / 15), basis: "one ~38 B heartbeat comment every SSE_HEARTBEAT_MS=15 s" },
        polling: {
          bytes: (pollBytes + 600) * (3600 / 30),
          basis: "an empty poll answer + request/response headers (~850 B) every pollInterval=30 s",
        },
      },
    };

    // 5. Ingestion
    log("ingestion…");
    const cpuI = procStats(pid).cpu_ms;
    const ing = await ask("ingest", { connections: 10, seconds: plan.ingestS });
    results.ingestion = {
      connections: 10,
      ...ing.result,
      server_cpu_percent: Math.round(((procStats(pid).cpu_ms - cpuI) / (plan.ingestS * 1000)) * 100),
      loadgen: ing.loadgen,
    };
  } finally {
    gen.kill();
    await srv.stop();
  }

  // 6. Recompute (in-process, on its own database)
  log("recompute…");
  const { scratchDatabase } = await import("../../lib/db/scratch");
  const { migrate } = await import("../../lib/db/migrate");
  const { createDb } = await import("../../lib/db/client");
  const { bulkRisks } = await import("../../lib/seed/bulk");
  const { computeSnapshot } = await import("../../lib/domain/dashboard/snapshot");
  const { systemClock } = await import("../../lib/domain/time");
  const scratch = await scratchDatabase(db === "postgres" ? "postgres" : "sqlite", "bench");
  await migrate(scratch.url);
  const rdb = createDb(scratch.url);
  const recompute = [];
  let loaded = 0;
  for (const n of plan.recompute) {
    await bulkRisks(rdb, n - loaded, systemClock, 5000);
    loaded = n;
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await computeSnapshot(rdb, systemClock);
      times.push(performance.now() - t);
    }
    recompute.push({ risks: n, ...dist(times.slice(2)) }); // the first two warm caches up
  }
  await rdb.$disconnect();
  await scratch.drop();
  results.recompute = recompute;
  results.duration_s = Math.round((Date.now() - started) / 1000);

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  console.log(table(results));
  console.log(`\nresults: ${out}`);
}

function table(r: any): string {
  const rows: string[][] = [];
  const lg = (l: { cpu_ms: number; wall_ms: number }) => `loadgen CPU ${Math.round((l.cpu_ms / l.wall_ms) * 100)}%`;
  for (const f of r.fanout)
    rows.push([
      `fan-out to ${f.clients} /dashboard clients (ms, REST answer → client has patch)`,
      `p50 ${f.p50} · p95 ${f.p95} · p99 ${f.p99} · max ${f.max}`,
      "p99 ≤ 50 at 1,000",
      lg(f.loadgen),
    ]);
  const v = r.violation;
  rows.push([
    `violation → ${v.clients} admins (ms after the 429 answer; negative = before it)`,
    `p50 ${v.from_429_answer_ms.p50} · p99 ${v.from_429_answer_ms.p99} · max ${v.from_429_answer_ms.max} (from request: p99 ${v.from_request_sent_ms.p99})`,
    "p99 ≤ 50",
    lg(v.loadgen),
  ]);
  const c = r.connections;
  rows.push([
    "idle connections held (p95 ping < 250 ms, no errors)",
    `${c.held} (${c.points.map((p: any) => `${p.connections}: ${p.p95_ping_ms} ms`).join("; ")})`,
    "≥ 20,000",
    lg(c.loadgen),
  ]);
  rows.push([
    "server memory per idle connection",
    `RSS ${(c.server_rss_bytes_per_connection / 1024).toFixed(1)} KB · heap ${(c.server_heap_bytes_per_connection / 1024).toFixed(1)} KB`,
    "≤ 20 KB",
    "",
  ]);
  const b = r.bytes;
  rows.push([
    "single-risk patch vs full snapshot (bytes)",
    `${b.single_risk_patch_ws_frame} / ${b.full_snapshot} = ${(b.patch_ratio * 100).toFixed(1)} %`,
    "≤ 10 %",
    "",
  ]);
  rows.push([
    "idle bytes per client-hour: WebSocket / SSE / polling",
    `${b.idle_per_client_hour.websocket.bytes} / ${b.idle_per_client_hour.sse.bytes} / ${b.idle_per_client_hour.polling.bytes}`,
    "",
    "",
  ]);
  const i = r.ingestion;
  rows.push([
    `POST /api/v1/commands at ${i.connections} connections`,
    `${Math.round(i.rps)} req/s · p50 ${i.p50} · p99 ${i.p99} ms · server CPU ${i.server_cpu_percent}%`,
    "≥ 2,000/s, p99 ≤ 20 ms",
    lg(i.loadgen),
  ]);
  for (const x of r.recompute)
    rows.push([
      `dashboard recompute, ${x.risks.toLocaleString("en-US")} risks (ms)`,
      `p50 ${x.p50} · max ${x.max}`,
      x.risks === 100_000 ? "≤ 100" : "",
      "",
    ]);
  const head = ["scenario", "measured", "goal", "load generator"];
  return [head, head.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
