// The figures of issue 26 alone, at full size, without the 13-minute full run:
//   node --require ./scripts/preload.cjs --import tsx scripts/bench/round3.ts [--db postgres] [--quick] [--out file]
// Section subscriptions, webhook throughput, CSV import and export of 100,000 risks, and the
// dashboard recompute at 100,000, on a fresh production server (same settings as run.ts's).
// `npm run bench` runs the same scenarios (scaled to its mode) as part of the full table.
import fs from "node:fs";
import path from "node:path";
import { webhookRows, webhookThroughput } from "./outbox";
import { recompute } from "./recompute";
import { sectionsCost, sectionsRows } from "./sections";
import { csvRows, csvTransfer } from "./transfer";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const db = args.includes("--db") ? args[args.indexOf("--db") + 1]! : "sqlite";
process.env.TEST_DB = db === "postgres" ? "postgres" : "sqlite";
const out = args.includes("--out")
  ? args[args.indexOf("--out") + 1]!
  : path.join("bench/results", `${new Date().toISOString().slice(0, 10)}-round3-${db}${quick ? "-quick" : ""}.json`);
const size = quick
  ? { sections: { clients: 200, rounds: 5 }, webhooks: 200, csv: 10_000, recompute: [10_000] }
  : { sections: { clients: 1000, rounds: 10 }, webhooks: 1000, csv: 100_000, recompute: [100_000] };
if (args.includes("--csv")) size.csv = Number(args[args.indexOf("--csv") + 1]);
/** `--only sections,webhooks,csv,recompute`: just those. */
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1]!.split(",")) : null;
const wanted = (name: string) => !only || only.has(name);
const log = (s: string) => process.stderr.write(`${s}\n`);
/** A scenario that fails is recorded as its error; the others still run and are written. */
const attempt = async <T>(name: string, f: () => Promise<T>): Promise<T | { error: string }> => {
  try {
    return await f();
  } catch (e) {
    log(`${name} failed: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`);
    return { error: `${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`.trim() };
  }
};
const ok = <T>(x: T | { error: string } | undefined): T | undefined => (x && typeof x === "object" && "error" in x ? undefined : (x as T));

async function main() {
  const { startServer } = await import("../../test/support/server");
  const { call, login, ADMIN } = await import("../../test/support/http");
  const s = await startServer({
    env: {
      MAX_CONNECTIONS: "100000",
      MAX_CONNECTIONS_PER_USER: "1000000",
      DASHBOARD_TICK_MS: "3600000",
      LOG_LEVEL: "error",
      SLOW_CLIENT_MAX_QUEUE: "100000",
      MAX_BODY_BYTES: String(64 * 1024 * 1024),
      WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
    },
  });
  const results: Record<string, unknown> = { date: new Date().toISOString(), mode: quick ? "quick" : "full", db };
  try {
    const cookie = await login(s.url, ADMIN);
    const token = (await call(s.url, { cookie }, "POST", "/api/v1/tokens", { name: "bench" })).body.token as string;
    const me = (await call(s.url, { token }, "GET", "/api/v1/me")).body.id;
    await call(s.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "bench-blocked", period: "daily", limit: 0 });
    const riskIds = (await call(s.url, { token }, "GET", "/api/v1/risks?status=open&page_size=50")).body.items.map(
      (r: { id: number }) => r.id,
    );
    const one = { url: s.url, token, pid: s.proc.pid!, log };
    if (wanted("sections")) results.sections = await attempt("sections", () => sectionsCost({ ...one, ...size.sections, riskIds }));
    if (wanted("webhooks")) results.webhooks = await attempt("webhooks", () => webhookThroughput({ ...one, deliveries: size.webhooks }));
    if (wanted("csv")) results.csv = await attempt("csv", () => csvTransfer({ ...one, risks: size.csv }));
  } finally {
    await s.stop();
  }
  if (wanted("recompute")) results.recompute = await recompute(db === "postgres" ? "postgres" : "sqlite", size.recompute, log);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  const rows = [
    ...sectionsRows(ok(results.sections as never)),
    ...webhookRows(ok(results.webhooks as never)),
    ...csvRows(ok(results.csv as never)),
    ...(
      (results.recompute ?? []) as {
        risks: number;
        full_ms: { p50: number; max: number };
        one_change_to_patch_ms: { p50: number; max: number };
      }[]
    ).map((x) => [
      `dashboard full recompute, ${x.risks.toLocaleString("en-US")} risks (ms)`,
      `p50 ${x.full_ms.p50} · max ${x.full_ms.max}`,
      "≤ 100 at 100,000",
      "",
    ]),
  ];
  const head = ["scenario", "measured", "goal", "load generator"];
  console.log([head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n"));
  console.log(`\nresults: ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
