"use client";
// The live quota console: stats (and a rolling load history), the violations feed, open
// alerts with toasts, and per-user utilisation. Lists come from REST through SWR (seeded with
// the server-rendered first view); pushed events update them in place, and a reconnect that
// could not replay what was missed revalidates them from the database.
import { useCallback, useRef, useState } from "react";
import useSWR, { mutate } from "swr";
import { api } from "@/lib/client/api";
import type { AlertDto, ViolationDto } from "@/lib/domain/quota/dto";
import type { QuotaStats, UsageRow } from "@/lib/domain/quota/stats";
import type { LiveOptions } from "@riskpulse/client";
import { isTerminal } from "@/lib/contract/codes";
import { useLiveChannel } from "./use-live-channel";

export interface QuotaConsoleInitial {
  stats: QuotaStats;
  violations: ViolationDto[];
  alerts: AlertDto[];
  usage: UsageRow[];
}
export interface LoadPoint {
  time: string;
  cpu: number;
  memory: number;
}

const HISTORY = 60; // five minutes at one point per 5 s
const FEED = 50;
const fetcher = <T>(url: string) => api<T>("GET", url);
const point = (s: QuotaStats): LoadPoint => ({
  time: new Date().toLocaleTimeString(),
  cpu: s.system_load.cpu_percent,
  memory: s.system_load.memory_percent,
});

export function useQuotaConsole(initial: QuotaConsoleInitial, options: Partial<LiveOptions> = {}) {
  const [stats, setStats] = useState(initial.stats);
  const [history, setHistory] = useState<LoadPoint[]>([point(initial.stats)]);
  const [toasts, setToasts] = useState<AlertDto[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [heartbeatAt, setHeartbeatAt] = useState<number | null>(null);
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const usageTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const violations = useSWR("/api/v1/violations?page_size=30", fetcher<{ items: ViolationDto[] }>, {
    fallbackData: { items: initial.violations },
    revalidateOnMount: false,
    revalidateOnFocus: false,
  });
  const alerts = useSWR("/api/v1/alerts?status=open&page_size=50", fetcher<{ items: AlertDto[] }>, {
    fallbackData: { items: initial.alerts },
    revalidateOnMount: false,
    revalidateOnFocus: false,
  });
  const usage = useSWR("/api/v1/quotas/usage", fetcher<{ items: UsageRow[] }>, {
    fallbackData: { items: initial.usage },
    revalidateOnMount: false,
    revalidateOnFocus: false,
  });

  /** Usage changes with every command: refetch at most once a second. */
  const refreshUsageSoon = useCallback(() => {
    if (usageTimer.current) return;
    usageTimer.current = setTimeout(() => {
      usageTimer.current = null;
      void usage.mutate();
    }, 1000);
  }, [usage]);

  const { status, aliveAt, reconnect } = useLiveChannel(
    "quotas",
    (env) => {
      if (env.type !== "ping" && env.type !== "pong" && env.type !== "error") setUpdatedAt(Date.now());
      switch (env.type) {
        case "stats": {
          const s = env.data;
          setStats(s);
          setHistory((h) => [...h.slice(-(HISTORY - 1)), point(s)]);
          refreshUsageSoon();
          break;
        }
        case "violation": {
          const v = env.data;
          // A source switch may deliver a message twice: violations are unique by id.
          void violations.mutate((cur) => ({ items: [v, ...(cur?.items ?? []).filter((x) => x.id !== v.id)].slice(0, FEED) }), {
            revalidate: false,
          });
          refreshUsageSoon();
          break;
        }
        case "alert": {
          const a = env.data;
          if (a.acknowledged_at) {
            void alerts.mutate((cur) => ({ items: (cur?.items ?? []).filter((x) => x.alert_id !== a.alert_id) }), { revalidate: false });
            setToasts((t) => t.filter((x) => x.alert_id !== a.alert_id));
          } else {
            void alerts.mutate((cur) => ({ items: [a, ...(cur?.items ?? []).filter((x) => x.alert_id !== a.alert_id)] }), {
              revalidate: false,
            });
            setToasts((t) => [a, ...t.filter((x) => x.alert_id !== a.alert_id)].slice(0, 5));
          }
          break;
        }
        case "quota_change":
          void mutate("/api/v1/quotas"); // the quota editor's list (another admin may have changed it)
          refreshUsageSoon();
          break;
        case "throttle":
          refreshUsageSoon();
          break;
        case "ping":
          setHeartbeatAt(Date.now());
          break;
        case "error":
          if (env.data.code !== "shutdown" && !isTerminal(env.data.code)) setNotice(env.data.error);
          break;
      }
    },
    options,
    () => {
      void violations.mutate();
      void alerts.mutate();
      void usage.mutate();
    },
  );

  const acknowledge = useCallback(
    async (id: number) => {
      try {
        await api("POST", `/api/v1/alerts/${id}/ack`);
        setToasts((t) => t.filter((x) => x.alert_id !== id));
        void alerts.mutate((cur) => ({ items: (cur?.items ?? []).filter((x) => x.alert_id !== id) }), { revalidate: false });
      } catch (e) {
        setNotice(`Could not acknowledge: ${(e as Error).message}`);
      }
    },
    [alerts],
  );
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.alert_id !== id)), []);

  return {
    stats,
    history,
    violations: violations.data?.items ?? [],
    alerts: alerts.data?.items ?? [],
    usage: usage.data?.items ?? [],
    toasts,
    acknowledge,
    dismiss,
    heartbeatAt,
    updatedAt,
    aliveAt,
    error: notice ?? status.error,
    state: status.state,
    ended: status.terminal,
    reconnect,
  };
}
