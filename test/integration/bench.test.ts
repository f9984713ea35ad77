// The benchmark harness, run end to end on tiny numbers so it cannot rot. It asserts the
// harness works and reports every scenario, not how fast anything is (that is for humans).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { flavor } from "../support/flavor";

describe("benchmark harness", () => {
  it("runs every scenario in tiny mode and writes results plus a table", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rp-bench-")), "results.json");
    const stdout = execFileSync(
      process.execPath,
      ["--require", "./scripts/preload.cjs", "--import", "tsx", "scripts/bench/run.ts", "--tiny", "--db", flavor, "--out", out],
      {
        encoding: "utf8",
        timeout: 180_000,
      },
    );
    const r = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.equal(r.mode, "tiny");
    assert.equal(r.db, flavor);
    assert.ok(r.fanout[0].n > 0 && Number.isFinite(r.fanout[0].p99), "fan-out latencies measured");
    assert.ok(Number.isFinite(r.violation.from_request_sent_ms.p99));
    assert.ok(r.connections.held >= 100);
    assert.ok(r.bytes.full_snapshot > r.bytes.single_risk_patch_ws_frame && r.bytes.single_risk_patch_ws_frame > 0);
    for (const side of [r.ingestion.commands, r.ingestion.me]) assert.ok(side.rps > 0 && side.errors === 0 && side.non2xx === 0);
    assert.ok(r.ingestion.rps_ratio > 0 && Number.isFinite(r.ingestion.p99_ratio));
    assert.ok(r.stats_latency.from_computed_ms.n > 0 && r.alert_latency.from_429_answer_ms.n > 0, "stats and alert latency measured");
    assert.ok(r.memory.idle_rss_mb_after_pages > 0);
    assert.equal(r.memory_per_connection.connections, 50, "memory per connection measured on 50 idle clients");
    for (const target of ["riskpulse", "socketio", "ws"]) {
      const f = r.baselines.fanout[0][target];
      assert.ok(Number.isFinite(f.p99) && Number.isFinite(f.own_us_per_socket), `${target}: fan-out and its own broadcast part measured`);
      assert.ok(Number.isFinite(r.baselines.memory[target].rss_bytes_per_connection), `${target}: memory per connection measured`);
    }
    const plain = r.baselines.fanout[0].riskpulse_ws;
    assert.ok(
      Number.isFinite(plain.p99) && Number.isFinite(r.baselines.fanout[0].plain_ratio_to_ws.own_per_socket),
      "RiskPulse's plain WebSocket beside bare ws",
    );
    for (const transport of ["socketio", "plain_websocket"]) {
      const c = r.compression.shared[transport];
      assert.ok(
        c.wire_bytes_per_broadcast_per_client > 0 && c.connect_wire_bytes_per_client > 0,
        `${transport}: bytes on the wire with compression`,
      );
      assert.ok(
        Number.isFinite(c.rss_bytes_per_connection) && Number.isFinite(c.server_cpu_ms_per_broadcast_round),
        `${transport}: its costs`,
      );
    }
    assert.ok(Number.isFinite(r.baselines.fanout[0].ratio_to_socketio.p99), "RiskPulse against bare Socket.IO, as a ratio");
    assert.ok(Number.isFinite(r.memory_per_connection.server_rss_bytes_per_connection));
    assert.deepEqual(
      r.recompute.map((x: { risks: number }) => x.risks),
      [200, 500],
    );
    assert.deepEqual(
      r.sections.rows.map((x: { sets: number; from_request_ms: { n: number } }) => [x.sets, x.from_request_ms.n]),
      [
        [1, 24],
        [6, 24],
      ],
      "every section client got every change's patch, with one set and with six",
    );
    assert.equal(r.webhooks.delivered, r.webhooks.expected, "every delivery reached the local receiver once");
    assert.ok(r.webhooks.expected >= 10);
    assert.equal(r.csv.import.created, 200);
    assert.equal(r.csv.import.dashboard_patches_received, 1, "the import reached a dashboard client as one patch");
    assert.ok(r.csv.export.rows >= 200, "the export streamed the imported risks too");
    assert.match(stdout, /\| scenario \| measured \| goal \| load generator \|/);
    assert.match(
      fs.readFileSync(out.replace(/\.json$/, ".svg"), "utf8"),
      /^<svg[^>]*>[\s\S]*fan-out[\s\S]*<\/svg>\s*$/i,
      "the chart is written next to the JSON",
    );
  });
});
