// The server process as the benchmark sees it from outside: its RSS and CPU from /proc, and a
// sampler of its RSS while a scenario runs (the peak is what the scenarios report).
import fs from "node:fs";

/** RSS (bytes) and CPU time so far (ms, user + system) of `pid`. */
export function readProc(pid: number): { rss_bytes: number; cpu_ms: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return { rss_bytes: rssKb * 1024, cpu_ms: (Number(stat[11]) + Number(stat[12])) * 10 }; // USER_HZ = 100
}

/** Samples `pid`'s RSS every `everyMs` until stop(), which answers the reading before, the peak and the samples taken. */
export function sampleRss(pid: number, everyMs = 25) {
  const before = readProc(pid).rss_bytes;
  let peak = before;
  let samples = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, readProc(pid).rss_bytes);
      samples++;
    } catch {
      // the process ended: keep what was read
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { before_mb: mb(before), peak_mb: mb(peak), growth_mb: mb(peak - before), samples };
    },
  };
}

export const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
