// A minimal SSE reader over fetch: parses event/id/data frames and comments.
export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal });
  const frames: SseFrame[] = [];
  const waiters: (() => void)[] = [];
  let buf = "";
  let done = false;
  const pump = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: SseFrame = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) f.comment = line.slice(1).trim();
            else {
              const [k, ...rest] = line.split(": ");
              const v = rest.join(": ");
              if (k === "event") f.event = v;
              else if (k === "id") f.id = v;
              else if (k === "data") f.data = v;
              else if (k === "retry") f.retry = Number(v);
            }
          }
          frames.push(f);
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      /* aborted */
    }
    done = true;
  })();
  return {
    res,
    frames,
    async until(pred: (f: SseFrame) => boolean, timeoutMs = 5000): Promise<SseFrame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = frames.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `no matching SSE frame in ${timeoutMs} ms; got ${frames.map((f) => f.event ?? `:${f.comment ?? f.retry}`).join(",")}`,
          );
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    /** Ends the stream; resolves once the reader stopped (or at once if the server already ended it). */
    close() {
      controller.abort();
      return Promise.race([pump, new Promise<void>((r) => setTimeout(r, 500))]);
    },
    /** The server ended the stream. */
    ended: () => done,
  };
}
