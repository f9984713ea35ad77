// Memory readings that mean something: a forced full GC through the inspector protocol of a
// process started with --inspect=127.0.0.1:<port>, then its RSS and heap. Without the GC, an RSS
// difference reads start-up garbage being reused (it gave negative figures per connection). The
// same call serves RiskPulse and the baselines, so no server needs code of its own for it.
import WebSocket from "ws";

export async function collectAndMeasure(inspectPort: number): Promise<{ rss: number; heapUsed: number }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let seq = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = ++seq;
      const on = (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (m.id !== id) return;
        ws.off("message", on);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m.result);
      };
      ws.on("message", on);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    // Twice: the first pass can leave finalised objects for the second.
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const r = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
    const m = JSON.parse(r.result.value as string) as { rss: number; heapUsed: number };
    return { rss: m.rss, heapUsed: m.heapUsed };
  } finally {
    ws.close();
  }
}
