// A dashboard client on RiskPulse's plain WebSocket (/api/v1/ws/dashboard, optionally with
// ?sections=), for the scenarios that count or time the patches one client set receives.
import WebSocket from "ws";

export interface PatchFrame {
  type: string;
  data?: { version?: number };
}

export class PlainDashboardClient {
  /** Every dashboard_patch frame received, with its arrival time (performance.now). */
  patches: { at: number; version: number; bytes: number }[] = [];
  onPatch: (version: number, at: number) => void = () => {};

  private constructor(private ws: WebSocket) {}

  static connect(base: string, token: string, sections?: string[], timeoutMs = 20_000): Promise<PlainDashboardClient> {
    const q = new URLSearchParams({ token, ...(sections ? { sections: sections.join(",") } : {}) });
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/v1/ws/dashboard?${q}`, { perMessageDeflate: false });
    const c = new PlainDashboardClient(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new Error("connect timeout"))), timeoutMs);
      ws.on("message", (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as PatchFrame;
        if (m.type === "dashboard_update") return (clearTimeout(timer), resolve(c)); // the first snapshot: connected
        if (m.type === "error") return (clearTimeout(timer), reject(new Error(raw.toString())));
        if (m.type !== "dashboard_patch") return;
        const at = performance.now();
        const version = Number(m.data?.version);
        c.patches.push({ at, version, bytes: raw.length });
        c.onPatch(version, at);
      });
      ws.once("error", (e) => (clearTimeout(timer), reject(e)));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** `n` clients, `batch` connecting at a time; `sectionsOf(i)` names client i's sections (undefined: all). */
export async function connectPlain(base: string, token: string, n: number, sectionsOf: (i: number) => string[] | undefined, batch = 100) {
  const out: PlainDashboardClient[] = [];
  for (let i = 0; i < n; i += batch)
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, (_, k) => PlainDashboardClient.connect(base, token, sectionsOf(i + k))),
      )),
    );
  return out;
}
