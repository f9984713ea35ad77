// Webhook outbox throughput: a receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_HOSTS), one
// webhook subscribed to `violation`, and N violations (commands over a zero quota) sent at once
// from 10 connections. Each violation is one outbox row; the figure is deliveries per second from
// the first violation sent to the last delivery received (every delivery id once).
import http from "node:http";
import type { AddressInfo } from "node:net";

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
      if (got.size >= o.deliveries) waiter?.();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const port = (receiver.address() as AddressInfo).port;
  const hook = await fetch(`${o.url}/api/v1/webhooks`, {
    method: "POST",
    headers: auth(o.token),
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, events: ["violation"] }),
  });
  if (hook.status !== 201) throw new Error(`webhook create ${hook.status}: ${await hook.text()}`);
  const { id } = (await hook.json()) as { id: number };
  try {
    const all = new Promise<void>((resolve) => (waiter = resolve));
    const sent = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < o.deliveries) {
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
    const deadline = 30_000 + o.deliveries * 200;
    await Promise.race([all, new Promise((r) => setTimeout(r, deadline))]);
    const times = [...got.values()];
    const last = Math.max(...times);
    return {
      violations: o.deliveries,
      delivered: got.size,
      violations_sent_s: Math.round(violationsSentS * 100) / 100,
      seconds_to_last_delivery: Math.round(((last - sent) / 1000) * 100) / 100,
      deliveries_per_s: Math.round((got.size / ((last - sent) / 1000)) * 10) / 10,
    };
  } finally {
    await fetch(`${o.url}/api/v1/webhooks/${id}`, { method: "DELETE", headers: auth(o.token) });
    receiver.close();
  }
}

/** The table row (run.ts's format). */
export function webhookRows(w: Awaited<ReturnType<typeof webhookThroughput>> | undefined): string[][] {
  if (!w) return [];
  return [
    [
      `webhook outbox: ${w.violations} violations → a receiver on 127.0.0.1 (deliveries/s, first violation sent → last delivery)`,
      `${w.deliveries_per_s}/s · ${w.delivered} of ${w.violations} in ${w.seconds_to_last_delivery} s (violations sent in ${w.violations_sent_s} s)`,
      "≥ 100/s",
      "",
    ],
  ];
}
