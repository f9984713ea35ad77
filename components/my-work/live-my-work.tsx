"use client";
// My work, live (README "My work"): the server renders the first view; the page refetches
// GET /api/v1/me/work when the dashboard channel reports a change (debounced) and every few
// seconds while visible — an owner change moves no dashboard figure, so it sends no patch.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { MyWork } from "@/lib/domain/my-work";
import { api } from "@/lib/client/api";
import { useLiveChannel } from "@/hooks/use-live-channel";
import { Freshness } from "@/components/live/freshness";
import { SessionEnded } from "@/components/live/session-ended";
import { AcceptanceSummary } from "@/components/risks/acceptance-panel";

const REFETCH_MS = 5000;
const SECTIONS = ["metrics", "mitigation_status", "mitigation_progress", "review_status"] as const;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "—");

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function LiveMyWork({ initial, admin }: { initial: MyWork; admin: boolean }) {
  const [work, setWork] = useState(initial);
  const shown = useRef(JSON.stringify(initial));
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const [notice, setNotice] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refetch = useCallback(async () => {
    try {
      const w = await api<MyWork>("GET", "/api/v1/me/work");
      const s = JSON.stringify(w);
      if (s !== shown.current) {
        shown.current = s;
        setWork(w);
        setUpdatedAt(Date.now());
      }
      setNotice(null);
    } catch {
      setNotice("Could not refresh your work; showing what was loaded last.");
    }
  }, []);
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
    (env) => (env.type === "dashboard_patch" || env.type === "dashboard_update") && refetchSoon(),
    {},
    refetchSoon,
    undefined,
    SECTIONS,
  );

  const nothing = work.risks.length + work.mitigations.length + work.reviews.length + work.acceptances.length === 0;
  return (
    <>
      <div className="page-head">
        <h1>My work</h1>
        <div className="page-actions">
          <Freshness updatedAt={updatedAt} aliveAt={aliveAt} state={status.state} />
          <button className="secondary" onClick={() => void refetch()}>
            Refresh
          </button>
        </div>
      </div>
      <SessionEnded code={status.terminal} path="/my-work" />
      {notice && (
        <div className="notice" role="status">
          {notice}
        </div>
      )}
      {nothing && <Empty>Nothing waits for you: no open risks of yours, nothing due within {work.due_within_days} days.</Empty>}
      <div className="grid two">
        <section className="panel" aria-labelledby="my-risks" data-testid="my-risks">
          <h2 id="my-risks">My open risks ({work.risks.length})</h2>
          {work.risks.length === 0 ? (
            <Empty>You own no open risk.</Empty>
          ) : (
            <ul>
              {work.risks.map((r) => (
                <li key={r.id}>
                  <Link href={`/risks/${r.id}`}>{r.title}</Link> <span className={`sev sev-${r.severity}`}>{r.severity}</span>{" "}
                  <span className="muted">score {r.score.toFixed(2)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="my-mitigations" data-testid="my-mitigations">
          <h2 id="my-mitigations">
            My mitigations due within {work.due_within_days} days ({work.mitigations.length})
          </h2>
          {work.mitigations.length === 0 ? (
            <Empty>None due.</Empty>
          ) : (
            <ul>
              {work.mitigations.map((m) => (
                <li key={m.id}>
                  <Link href={`/risks/${m.risk_id}`}>{m.title}</Link> <span className="muted">due {day(m.due_date)}</span>
                  {m.overdue && <span className="pill"> overdue</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="my-reviews" data-testid="my-reviews">
          <h2 id="my-reviews">Reviews due ({work.reviews.length})</h2>
          {work.reviews.length === 0 ? (
            <Empty>No review due.</Empty>
          ) : (
            <ul>
              {work.reviews.map((r) => (
                <li key={r.id}>
                  <Link href={`/risks/${r.id}`}>{r.title}</Link> <span className="muted">review by {day(r.next_review_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        {admin && (
          <section className="panel" aria-labelledby="my-acceptances" data-testid="my-acceptances">
            <h2 id="my-acceptances">Acceptances waiting for you ({work.acceptances.length})</h2>
            {work.acceptances.length === 0 ? (
              <Empty>No request waits for your decision.</Empty>
            ) : (
              <>
                <ul>
                  {work.acceptances.map((a) => (
                    <li key={a.id}>
                      <Link href={`/risks/${a.risk_id}`}>{a.risk_title}</Link>
                      <AcceptanceSummary a={a} />
                    </li>
                  ))}
                </ul>
                <Link href="/admin/acceptances">Decide them</Link>
              </>
            )}
          </section>
        )}
      </div>
    </>
  );
}
