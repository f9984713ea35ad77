#!/usr/bin/env node
// A wallboard in a terminal: prints the live dashboard's headline figures with an API token,
// one line per change, over whichever transport gets through (WebSocket → SSE → polling).
//   RISKPULSE_URL=https://risk.example.com RISKPULSE_TOKEN=rp_… node examples/wallboard.mjs [--once]
// Create the token at /account (it acts as you). --once prints the first figures and exits.
import { applyDashboardMessage, connect } from "@riskpulse/client";

const url = process.env.RISKPULSE_URL ?? "http://localhost:3000";
const token = process.env.RISKPULSE_TOKEN;
if (!token) {
  console.error("set RISKPULSE_TOKEN to an API token (create one at /account)");
  process.exit(2);
}
const once = process.argv.includes("--once");

let data = null;
const client = connect({ url, token });
client.on("status", (s) => {
  console.error(`[${s.state}${s.source ? ` via ${s.source}` : ""}]${s.error ? ` ${s.error}` : ""}`);
  if (s.terminal) process.exit(1); // the token was revoked or has expired: retrying cannot help
});
client.on("message", (m) => {
  const r = applyDashboardMessage(data, m);
  if (r.kind === "gap") return void client.refresh().catch(() => undefined);
  if (r.kind !== "updated") return;
  data = r.data;
  const { total_risks, critical_risks, high_risks, average_risk_score, mitigation_rate } = data.metrics;
  console.log(
    `${new Date().toISOString()} v${data.version} risks ${total_risks} (critical ${critical_risks}, high ${high_risks}) · average score ${average_risk_score} · mitigated ${mitigation_rate}%`,
  );
  if (once) {
    client.close();
    process.exit(0);
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => (client.close(), process.exit(0)));
