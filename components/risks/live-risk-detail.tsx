"use client";
// One risk, live: its fields (edit in place), score history and mitigations, kept current by the
// risk's own messages on the live connection (hooks/use-live-risk.ts): a change made elsewhere —
// its fields, a new score point, a mitigation — shows without a reload and without polling, and a
// deletion says so at once.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useLiveRisk } from "@/hooks/use-live-risk";
import { api } from "@/lib/client/api";
import type { RiskDetail } from "@/lib/contract/protocol";
import type { AcceptanceDto } from "@/lib/domain/acceptance-rules";
import type { MitigationDto } from "@/lib/domain/mitigations";
import { MitigationDialogButton } from "@/components/mitigations/mitigation-form";
import { MitigationTable } from "@/components/mitigations/mitigation-table";
import { Freshness } from "@/components/live/freshness";
import { SessionEnded } from "@/components/live/session-ended";
import { OwnerName } from "@/components/owners/people";
import { AcceptancePanel } from "./acceptance-panel";
import { DeleteRiskButton, RiskDialogButton } from "./risk-form";
import { ScoreChart } from "./score-chart";

export type { RiskDetail } from "@/lib/contract/protocol";

export function LiveRiskDetail({
  initial,
  mitigations: initialMitigations,
  cursor,
  acceptances,
  me,
}: {
  initial: RiskDetail;
  mitigations: MitigationDto[];
  /** The live log's position when the page read its data: the connection resumes from it. */
  cursor: string | null;
  acceptances: AcceptanceDto[];
  me: { id: number; role: "admin" | "analyst" };
}) {
  const router = useRouter();
  const {
    risk,
    mitigations,
    gone,
    notice,
    setNotice,
    updatedAt,
    aliveAt,
    status,
    reload: refetch,
  } = useLiveRisk(initial, initialMitigations, cursor);

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
      <SessionEnded code={status.terminal === "unknown_risk" ? null : status.terminal} path={`/risks/${risk.id}`} />
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
      <AcceptancePanel riskId={risk.id} version={risk.version} initial={acceptances} me={me} onChanged={refetch} />
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
