// A minimal SSE reader for the benchmark (fetch + a frame splitter), with the same event hook as
// LightClient so scenarios can mix transports.
export class LightSse {
  bytes = 0;
  onEvent: (type: string, env: { id: string; timestamp: string; data: unknown }, at: number, wall: number) => void = () => {};
  private abort = new AbortController();

  static async connect(base: string, path: string, token: string): Promise<LightSse> {
    const c = new LightSse();
    const res = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: c.abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`SSE ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    let opened!: () => void;
    const first = new Promise<void>((r) => (opened = r));
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          c.bytes += value.byteLength;
          buf += decoder.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block.split("\n").find((l) => l.startsWith("data: "));
            if (!data) continue;
            const env = JSON.parse(data.slice(6)) as { type: string; id: string; timestamp: string; data: unknown };
            opened();
            c.onEvent(env.type, env, performance.now(), Date.now());
          }
        }
      } catch {
        /* closed */
      }
    })();
    await first; // the snapshot arrived: the stream is live
    return c;
  }

  close(): void {
    this.abort.abort();
  }
}
