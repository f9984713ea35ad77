// Machine CPU and memory use for the quota console's stats: CPU is the busy share of all
// cores since the previous sample (os.cpus() tick counters), memory the share not free.
import os from "node:os";
import type { SystemLoad } from "./domain/quota/stats";

export function systemLoadSampler(): () => SystemLoad {
  const ticks = () =>
    os.cpus().reduce((t, c) => ({ idle: t.idle + c.times.idle, total: t.total + Object.values(c.times).reduce((a, b) => a + b, 0) }), {
      idle: 0,
      total: 0,
    });
  let prev = ticks();
  return () => {
    const cur = ticks();
    const total = cur.total - prev.total,
      idle = cur.idle - prev.idle;
    prev = cur;
    const cpu = total > 0 ? (1 - idle / total) * 100 : 0;
    return {
      cpu_percent: Math.round(cpu * 10) / 10,
      memory_percent: Math.round((1 - os.freemem() / os.totalmem()) * 1000) / 10,
    };
  };
}
