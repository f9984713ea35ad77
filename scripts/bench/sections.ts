// Cost per change with section subscriptions: the same clients on the plain WebSocket, all with
// one set of sections, then spread over six different sets. The server filters a patch once per
// change and set (lib/realtime/dashboard/sections.ts), so six sets should cost little more than
// one. Reported: the server's CPU per change (the REST write included, alike in both) and the
// latency from the request being sent to every client holding its patch.
import { dist } from "./stats";
import { connectPlain } from "./plain-ws";
import { readProc } from "./proc";

/** Six sets, each with `metrics` (which every severity change touches) and one other section. */
export const SECTION_SETS = [
  ["metrics"],
  ["metrics", "severity_distribution"],
  ["metrics", "top_risks"],
  ["metrics", "risk_matrix"],
  ["metrics", "risks_by_treatment"],
  ["metrics", "risk_trends"],
];

const auth = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

export async function sectionsCost(o: {
  url: string;
  token: string;
  pid: number;
  clients: number;
  rounds: number;
  riskIds: number[];
  log: (s: string) => void;
}) {
  const rows = [];
  for (const sets of [1, 6]) {
    o.log(`sections: ${o.clients} plain WebSocket clients over ${sets} subscription set${sets > 1 ? "s" : ""}…`);
    const clients = await connectPlain(o.url, o.token, o.clients, (i) => SECTION_SETS[sets === 1 ? 1 : i % sets]);
    const latencies: number[] = [];
    let cpu = 0;
    for (let r = 0; r < o.rounds; r++) {
      const id = o.riskIds[(r + sets) % o.riskIds.length];
      const cur = (await (await fetch(`${o.url}/api/v1/risks/${id}`, { headers: auth(o.token) })).json()) as { severity: string };
      const seen = clients.map((c) => c.patches.length);
      const cpu0 = readProc(o.pid).cpu_ms;
      const sent = performance.now();
      const done = Promise.all(
        clients.map(
          (c, i) =>
            new Promise<number>((resolve, reject) => {
              if (c.patches.length > seen[i]!) return resolve(c.patches[seen[i]!]!.at);
              const timer = setTimeout(() => reject(new Error("a client got no patch within 20 s")), 20_000);
              c.onPatch = (_v, at) => (clearTimeout(timer), (c.onPatch = () => {}), resolve(at));
            }),
        ),
      );
      const res = await fetch(`${o.url}/api/v1/risks/${id}`, {
        method: "PATCH",
        headers: auth(o.token),
        body: JSON.stringify({ severity: cur.severity === "low" ? "medium" : "low" }),
      });
      if (!res.ok) throw new Error(`PATCH ${res.status}`);
      latencies.push(...(await done).map((at) => at - sent));
      cpu += readProc(o.pid).cpu_ms - cpu0;
      await new Promise((s) => setTimeout(s, 150)); // an isolated change each
    }
    clients.forEach((c) => c.close());
    rows.push({
      sets,
      clients: o.clients,
      server_cpu_ms_per_change: Math.round((cpu / o.rounds) * 10) / 10,
      from_request_ms: dist(latencies),
    });
    await new Promise((s) => setTimeout(s, 500)); // the closes settle before the next set connects
  }
  const [one, six] = rows as { server_cpu_ms_per_change: number; from_request_ms: { p50: number } }[];
  return {
    rows,
    cpu_ratio_6_to_1:
      one!.server_cpu_ms_per_change > 0 ? Math.round((six!.server_cpu_ms_per_change / one!.server_cpu_ms_per_change) * 100) / 100 : NaN,
    p50_ratio_6_to_1: Math.round((six!.from_request_ms.p50 / one!.from_request_ms.p50) * 100) / 100,
  };
}

/** The table rows (run.ts's format). */
export function sectionsRows(s: Awaited<ReturnType<typeof sectionsCost>> | undefined): string[][] {
  if (!s) return [];
  const [one, six] = s.rows;
  return [
    [
      `one change with section subscriptions, ${one!.clients} plain WebSocket clients: 6 sets vs 1 set (server CPU ms per change; ms from request to every client)`,
      `CPU ${six!.server_cpu_ms_per_change} vs ${one!.server_cpu_ms_per_change} ms = ${s.cpu_ratio_6_to_1}× · p50 ${six!.from_request_ms.p50} vs ${one!.from_request_ms.p50} ms = ${s.p50_ratio_6_to_1}× · p99 ${six!.from_request_ms.p99} vs ${one!.from_request_ms.p99} ms`,
      "6 sets ≤ 1.5× the cost of 1",
      "",
    ],
  ];
}
