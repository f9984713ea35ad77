"use client";
// One risk, live: its fields (edit in place), score history and mitigations. The page refetches
// this risk and its mitigations when the dashboard channel reports a change (debounced) and
// every few seconds while visible (an edit that leaves the dashboard's figures unchanged, such as
// a title, sends no patch), so a change made elsewhere shows without a reload; a deletion too.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLiveChannel } from "@/hooks/use-live-channel";
import { api, ApiError } from "@/lib/client/api";
import type { AcceptanceDto } from "@/lib/domain/acceptance-rules";
import type { MitigationDto } from "@/lib/domain/mitigations";
import type { RiskDto } from "@/lib/domain/risks";
import { MitigationDialogButton } from "@/components/mitigations/mitigation-form";
import { MitigationTable } from "@/components/mitigations/mitigation-table";
import { Freshness } from "@/components/live/freshness";
import { SessionEnded } from "@/components/live/session-ended";
import { OwnerName } from "@/components/owners/people";
import { AcceptancePanel } from "./acceptance-panel";
import { DeleteRiskButton, RiskDialogButton } from "./risk-form";

/**
 * The dashboard sections whose changes may mean this risk or its mitigations changed (any change
 * to a risk's severity or score shows in `metrics`; the trend and distribution follow it, so the
 * page does not pay for them; `review_status` moves with every acceptance step).
 */
const RISK_PAGE_SECTIONS = ["metrics", "mitigation_status", "top_risks", "mitigation_progress", "review_status"] as const;
import { ScoreChart, type ScorePoint } from "./score-chart";

const REFETCH_MS = 5000;

export type RiskDetail = RiskDto & { score_history: ScorePoint[] };

export function LiveRiskDetail({
  initial,
  mitigations: initialMitigations,
  acceptances: initialAcceptances,
  me,
}: {
  initial: RiskDetail;
  mitigations: MitigationDto[];
  acceptances: AcceptanceDto[];
  me: { id: number; role: "admin" | "analyst" };
}) {
  const router = useRouter();
  const [risk, setRisk] = useState(initial);
  const shown = useRef(initial); // what is on screen, to tell a real change from a refetch of the same
  const [mitigations, setMitigations] = useState(initialMitigations);
  const [acceptances, setAcceptances] = useState(initialAcceptances);
  const [gone, setGone] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refetch = useCallback(async () => {
    try {
      const [r, ms, acc] = await Promise.all([
        api<RiskDetail>("GET", `/api/v1/risks/${initial.id}`),
        api<{ items: MitigationDto[] }>("GET", `/api/v1/mitigations?risk_id=${initial.id}&page_size=100`),
        api<{ items: AcceptanceDto[] }>("GET", `/api/v1/risks/${initial.id}/acceptances`),
      ]);
      if (JSON.stringify(shown.current) !== JSON.stringify(r)) {
        shown.current = r;
        setRisk(r);
        setUpdatedAt(Date.now());
      }
      setMitigations(ms.items);
      setAcceptances(acc.items);
      setNotice(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setGone(true);
      else setNotice("Could not refresh this risk; showing what was loaded last.");
    }
  }, [initial.id]);
  const refetchSoon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void refetch();
    }, 250);
  }, [refetch]);

  useEffect(() => {
    const poll = setInterval(() => document.visibilityState === "visible" && refetchSoon(), REFETCH_MS);
    return () => clearInterval(poll);
  }, [refetchSoon]);

  const { status, aliveAt } = useLiveChannel(
    "dashboard",
    (env) => {
      if (env.type === "dashboard_patch" || env.type === "dashboard_update") refetchSoon();
    },
    {},
    refetchSoon,
    undefined,
    RISK_PAGE_SECTIONS,
  );

  if (gone)
    return (
      <div className="alert-box" role="alert">
        This risk was deleted. <Link href="/risks">Back to the risks</Link>
      </div>
    );
  const facts: [string, React.ReactNode][] = [
    ["Score", <b key="s">{risk.score.toFixed(2)}</b>],
    ["Owner", <OwnerName key="o" owner={risk.owner} />],
    ["Likelihood", risk.likelihood],
    ["Impact", risk.impact],
    ["Status", risk.status],
    ["Opened", new Date(risk.opened_at).toLocaleString()],
    ["Closed", risk.closed_at ? new Date(risk.closed_at).toLocaleString() : "—"],
    ["Last change", new Date(risk.updated_at).toLocaleString()],
    ["Treatment", risk.treatment ?? "undecided"],
    ["Residual score", risk.residual_score.toFixed(2)],
    ["Next review", risk.next_review_at ? risk.next_review_at.slice(0, 10) : "—"],
    ["Last reviewed", risk.last_reviewed_at ? new Date(risk.last_reviewed_at).toLocaleString() : "never"],
    ["Category", risk.category ?? "—"],
    ["Tags", risk.tags.length ? risk.tags.join(", ") : "—"],
    ["Version", risk.version],
  ];
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted">
        <Link href="/risks">Risks</Link> / #{risk.id}
      </nav>
      <div className="page-head">
        <h1 data-testid="risk-title">
          {risk.title} <span className={`sev sev-${risk.severity}`}>{risk.severity}</span>
        </h1>
        <div className="page-actions">
          <Freshness updatedAt={updatedAt} aliveAt={aliveAt} state={status.state} />
          <RiskDialogButton mode={{ kind: "edit", risk }} label="Edit risk" className="secondary" onSaved={refetch} />
          <button
            className="secondary"
            onClick={async () => {
              try {
                await api("POST", `/api/v1/risks/${risk.id}/reviews`, {});
                await refetch();
              } catch (e) {
                setNotice(e instanceof Error ? e.message : "Could not record the review.");
              }
            }}
          >
            Record review
          </button>
          <DeleteRiskButton id={risk.id} title={risk.title} onDeleted={() => router.push("/risks")} />
        </div>
      </div>
      <SessionEnded code={status.terminal} path={`/risks/${risk.id}`} />
      {notice && <div className="notice">{notice}</div>}
      <div className="grid two">
        <section className="panel">
          <h2>Details</h2>
          <dl className="facts" data-testid="risk-facts">
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {risk.description ? <p className="description">{risk.description}</p> : <p className="muted">No description.</p>}
        </section>
        <section className="panel">
          <h2>Score history</h2>
          <ScoreChart points={risk.score_history} />
        </section>
      </div>
      <AcceptancePanel riskId={risk.id} items={acceptances} me={me} onChanged={refetch} />
      <section className="panel">
        <div className="page-head">
          <h2>Mitigations</h2>
          <MitigationDialogButton mode={{ kind: "create", riskId: risk.id }} label="Add mitigation" onSaved={refetch} />
        </div>
        <MitigationTable items={mitigations} onChanged={refetch} />
      </section>
    </>
  );
}
