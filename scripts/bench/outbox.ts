// Webhook outbox throughput: a receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_HOSTS), HOOKS
// webhooks subscribed to `violation`, and N / HOOKS violations (commands over a zero quota) sent
// from 10 connections: each violation is one outbox row per webhook, so the rows arrive faster
// than the command path alone could make them (about 12 violations/s on the loaded 2-core machine).
// The figure is deliveries per second from the first violation sent to the last delivery
// received (every delivery id once).
import http from "node:http";
import type { AddressInfo } from "node:net";

const HOOKS = 20;
const auth = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

export async function webhookThroughput(o: { url: string; token: string; deliveries: number; log: (s: string) => void }) {
  o.log(`webhooks: ${o.deliveries} violations → deliveries to a local receiver…`);
  const got = new Map<string, number>();
  let waiter: (() => void) | null = null;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["riskpulse-delivery"]);
      if (!got.has(id)) got.set(id, performance.now());
      res.writeHead(204).end();
      if (got.size >= expected) waiter?.();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const port = (receiver.address() as AddressInfo).port;
  const hooks = Math.min(HOOKS, o.deliveries);
  const violations = Math.ceil(o.deliveries / hooks);
  const expected = violations * hooks;
  const ids: number[] = [];
  for (let k = 0; k < hooks; k++) {
    const hook = await fetch(`${o.url}/api/v1/webhooks`, {
      method: "POST",
      headers: auth(o.token),
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook/${k}`, events: ["violation"] }),
    });
    if (hook.status !== 201) throw new Error(`webhook create ${hook.status}: ${await hook.text()}`);
    ids.push(((await hook.json()) as { id: number }).id);
  }
  try {
    const all = new Promise<void>((resolve) => (waiter = resolve));
    const sent = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < violations) {
          next++;
          const r = await fetch(`${o.url}/api/v1/commands`, {
            method: "POST",
            headers: auth(o.token),
            body: JSON.stringify({ command_type: "bench-blocked" }),
          });
          await r.body?.cancel();
          if (r.status !== 429) throw new Error(`expected 429, got ${r.status}`);
        }
      }),
    );
    const violationsSentS = (performance.now() - sent) / 1000;
    const deadline = 30_000 + expected * 200;
    await Promise.race([all, new Promise((r) => setTimeout(r, deadline))]);
    const times = [...got.values()];
    const last = Math.max(...times);
    return {
      webhooks: hooks,
      violations,
      expected,
      delivered: got.size,
      violations_sent_s: Math.round(violationsSentS * 100) / 100,
      seconds_to_last_delivery: Math.round(((last - sent) / 1000) * 100) / 100,
      deliveries_per_s: Math.round((got.size / ((last - sent) / 1000)) * 10) / 10,
    };
  } finally {
    for (const id of ids) await fetch(`${o.url}/api/v1/webhooks/${id}`, { method: "DELETE", headers: auth(o.token) });
    receiver.close();
  }
}

/** The table row (run.ts's format). */
export function webhookRows(w: Awaited<ReturnType<typeof webhookThroughput>> | undefined): string[][] {
  if (!w) return [];
  return [
    [
      `webhook outbox: ${w.violations} violations × ${w.webhooks} webhooks → a receiver on 127.0.0.1 (deliveries/s, first violation sent → last delivery)`,
      `${w.deliveries_per_s}/s · ${w.delivered} of ${w.expected} in ${w.seconds_to_last_delivery} s (violations sent in ${w.violations_sent_s} s)`,
      "≥ 100/s",
      "",
    ],
  ];
}
