// CSV import and export at size: N generated risks imported in one request (time, the server's
// peak RSS while it runs, and the dashboard patches one connected client receives: one is the
// goal, the import being one change), then the whole register exported (streamed: time, rows and
// the peak RSS over the RSS before, sampled while the body arrives).
import { connectPlain } from "./plain-ws";
import { sampleRss } from "./proc";

const SEVERITIES = ["critical", "high", "medium", "low"];
const TREATMENTS = ["mitigate", "accept", "transfer", "avoid", ""];

/** A register of `n` risks in the import's own format (a header line, then one line per risk). */
export function benchCsv(n: number): string {
  const lines = ["external_id,title,description,severity,likelihood,impact,treatment,category,tags"];
  for (let i = 0; i < n; i++) {
    const l = ((i * 37) % 100) / 100;
    const m = ((i * 61) % 100) / 100;
    lines.push(
      `bench-${i},Imported risk ${i},"Generated for the benchmark, row ${i}",${SEVERITIES[i % 4]},${l},${m},${TREATMENTS[i % 5]},ops,bench;csv`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export async function csvTransfer(o: { url: string; token: string; pid: number; risks: number; log: (s: string) => void }) {
  const headers = { authorization: `Bearer ${o.token}` };
  const csv = benchCsv(o.risks);
  o.log(`csv: importing ${o.risks} risks (${(csv.length / 1e6).toFixed(1)} MB)…`);
  const [client] = await connectPlain(o.url, o.token, 1, () => undefined);
  const rssImport = sampleRss(o.pid);
  const t0 = performance.now();
  const res = await fetch(`${o.url}/api/v1/risks/import`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv" },
    body: csv,
  });
  const answer = (await res.json()) as { created?: number; updated?: number; valid?: boolean };
  const importMs = performance.now() - t0;
  if (!res.ok) throw new Error(`import ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  // The import's patch, then a quiet second: any further patch would be counted.
  const deadline = performance.now() + 60_000;
  while (client!.patches.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const firstPatchMs = client!.patches.length ? client!.patches[0]!.at - t0 : NaN;
  await new Promise((r) => setTimeout(r, 1000));
  const importRss = rssImport.stop();
  const patches = client!.patches.length;
  client!.close();

  o.log("csv: exporting the register…");
  const rssExport = sampleRss(o.pid);
  const t1 = performance.now();
  const ex = await fetch(`${o.url}/api/v1/risks/export`, { headers });
  if (!ex.ok || !ex.body) throw new Error(`export ${ex.status}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = NaN;
  for await (const chunk of ex.body as unknown as AsyncIterable<Uint8Array>) {
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t1;
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  const exportMs = performance.now() - t1;
  const exportRss = rssExport.stop();
  return {
    import: {
      risks: o.risks,
      csv_bytes: csv.length,
      created: answer.created ?? 0,
      ms: Math.round(importMs),
      first_patch_after_request_ms: Math.round(firstPatchMs),
      dashboard_patches_received: patches,
      server_rss: importRss,
    },
    export: {
      rows: lines - 1, // the header line
      bytes,
      ms: Math.round(exportMs),
      first_byte_ms: Math.round(firstByteMs),
      server_rss: exportRss,
    },
  };
}

/** The table rows (run.ts's format). */
export function csvRows(c: Awaited<ReturnType<typeof csvTransfer>> | { error: string } | undefined): string[][] {
  if (!c) return [];
  if ("error" in c) return [["CSV import and export", `failed: ${c.error}`, "≤ 30 s at 100,000 · exactly 1 patch", ""]];
  const i = c.import;
  const e = c.export;
  return [
    [
      `CSV import of ${i.risks.toLocaleString("en-US")} risks (${(i.csv_bytes / 1e6).toFixed(1)} MB, one request)`,
      `${(i.ms / 1000).toFixed(1)} s · server RSS peak ${i.server_rss.peak_mb} MB (+${i.server_rss.growth_mb}) · ${i.dashboard_patches_received} dashboard patch${i.dashboard_patches_received === 1 ? "" : "es"} to a client (${i.first_patch_after_request_ms} ms after the request)`,
      "≤ 30 s at 100,000 · exactly 1 patch",
      "",
    ],
    [
      `CSV export of ${e.rows.toLocaleString("en-US")} risks (streamed, ${(e.bytes / 1e6).toFixed(1)} MB)`,
      `${(e.ms / 1000).toFixed(1)} s (first byte ${e.first_byte_ms} ms) · server RSS peak ${e.server_rss.peak_mb} MB (+${e.server_rss.growth_mb} over before)`,
      "RSS growth ≤ 50 MB (bounded: pages of 500)",
      "",
    ],
  ];
}
