"use client";
// One risk, live: starts from the server-rendered risk and mitigations and follows the risk's
// messages on the dashboard channel (README "Real-time protocol", risks) — its fields, new score
// points, its mitigations, its deletion — resuming from the log position the page was rendered
// at, so nothing between the render and the connection is lost. Nothing is polled; a resync (the
// log moved past the page's position) reads the risk once over REST.
import { useCallback, useRef, useState } from "react";
import type { Message, RiskDetail } from "@/lib/contract/protocol";
import type { MitigationDto } from "@/lib/domain/mitigations";
import { api, ApiError } from "@/lib/client/api";
import { useLiveChannel } from "./use-live-channel";

/** The smallest section: the page needs no dashboard figure, only its risk's messages. */
const SECTIONS = ["metrics"] as const;

/** Applies one of the risk's messages to what the page holds (pure; exported for tests). */
export function applyRiskMessage(
  held: { risk: RiskDetail; mitigations: MitigationDto[] },
  env: Message<"dashboard">,
): { risk: RiskDetail; mitigations: MitigationDto[]; deleted?: true } | null {
  const { risk, mitigations } = held;
  switch (env.type) {
    case "risk_change":
      // A replay may repeat what the page was rendered with: the version says which is newer.
      if (env.data.risk_id !== risk.id || env.data.risk.version < risk.version) return null;
      return { risk: { ...env.data.risk, score_history: risk.score_history }, mitigations };
    case "score_point": {
      if (env.data.risk_id !== risk.id) return null;
      const point = { score: env.data.score, recorded_at: env.data.recorded_at };
      if (risk.score_history.some((p) => p.recorded_at === point.recorded_at && p.score === point.score)) return null;
      const score_history = [...risk.score_history, point].sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
      return { risk: { ...risk, score_history }, mitigations };
    }
    case "mitigation_change": {
      if (env.data.risk_id !== risk.id) return null;
      const { mitigation_id: id, mitigation } = env.data;
      const rest = mitigations.filter((m) => m.id !== id);
      if (!mitigation) return rest.length === mitigations.length ? null : { risk, mitigations: rest };
      const at = mitigations.findIndex((m) => m.id === id);
      return { risk, mitigations: at < 0 ? [...mitigations, mitigation] : mitigations.map((m) => (m.id === id ? mitigation : m)) };
    }
    case "risk_deleted":
      return env.data.risk_id === risk.id ? { risk, mitigations, deleted: true } : null;
    default:
      return null;
  }
}

export function useLiveRisk(initial: RiskDetail, initialMitigations: MitigationDto[], cursor: string | null) {
  const [held, setHeld] = useState({ risk: initial, mitigations: initialMitigations });
  const ref = useRef(held);
  const [gone, setGone] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());

  const show = useCallback((next: { risk: RiskDetail; mitigations: MitigationDto[] }) => {
    ref.current = next;
    setHeld(next);
    setUpdatedAt(Date.now());
  }, []);

  /** One read over REST: after the page's own edits and after a resync, never on a timer. */
  const reload = useCallback(async () => {
    try {
      const [r, ms] = await Promise.all([
        api<RiskDetail>("GET", `/api/v1/risks/${initial.id}`),
        api<{ items: MitigationDto[] }>("GET", `/api/v1/mitigations?risk_id=${initial.id}&page_size=100`),
      ]);
      show({ risk: r, mitigations: ms.items });
      setNotice(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setGone(true);
      else setNotice("Could not refresh this risk; showing what was loaded last.");
    }
  }, [initial.id, show]);

  const { status, aliveAt } = useLiveChannel(
    "dashboard",
    (env) => {
      const next = applyRiskMessage(ref.current, env);
      if (!next) return;
      if (next.deleted) setGone(true);
      else show(next);
    },
    {},
    () => void reload(),
    undefined,
    SECTIONS,
    { risk: initial.id, ...(cursor ? { lastId: cursor } : {}) },
  );

  return {
    risk: held.risk,
    mitigations: held.mitigations,
    // The risk was deleted (its message), or was gone when the connection asked for it.
    gone: gone || status.terminal === "unknown_risk",
    notice,
    setNotice,
    updatedAt,
    aliveAt,
    status,
    reload,
  };
}
