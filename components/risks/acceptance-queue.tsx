"use client";
// The admins' acceptance queue (/admin/acceptances): each pending request with a note and an
// optional new expiry, Approve and Reject (not on one's own request: four-eyes, the server
// refuses it too), and the latest decisions. Refetched after each decision and on dashboard
// patches of the pending count (another admin deciding elsewhere).
import Link from "next/link";
import { useCallback, useState } from "react";
import type { AcceptanceDto } from "@/lib/domain/acceptance-rules";
import { api, type ApiError } from "@/lib/client/api";
import { useLiveChannel } from "@/hooks/use-live-channel";
import { FormError } from "@/components/shell/form-error";
import { AcceptanceSummary } from "./acceptance-panel";

type Page = { items: AcceptanceDto[] };

export function AcceptanceQueue({
  pending: first,
  recent: firstRecent,
  meId,
}: {
  pending: AcceptanceDto[];
  recent: AcceptanceDto[];
  meId: number;
}) {
  const [pending, setPending] = useState(first);
  const [recent, setRecent] = useState(firstRecent);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<number | null>(null);

  const refetch = useCallback(async () => {
    try {
      const [p, r] = await Promise.all([
        api<Page>("GET", "/api/v1/acceptances?status=pending&page_size=100"),
        api<Page>("GET", "/api/v1/acceptances?page_size=20"),
      ]);
      setPending(p.items);
      setRecent(r.items);
    } catch {
      setError("Could not refresh the list; showing what was loaded last.");
    }
  }, []);
  useLiveChannel(
    "dashboard",
    (env) => env.type === "dashboard_patch" && void refetch(),
    {},
    () => void refetch(),
    undefined,
    ["review_status"],
  );

  async function decide(e: React.FormEvent<HTMLFormElement>, a: AcceptanceDto) {
    e.preventDefault();
    const verb = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value === "reject" ? "reject" : "approve";
    const f = new FormData(e.currentTarget);
    const note = String(f.get("note") ?? "").trim();
    const expires = String(f.get("expires_at") ?? "");
    setBusy(a.id);
    setError(undefined);
    try {
      await api("POST", `/api/v1/acceptances/${a.id}/${verb}`, {
        ...(note ? { note } : {}),
        ...(verb === "approve" && expires ? { expires_at: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
      });
      await refetch();
    } catch (err) {
      setError((err as ApiError).message ?? "Cannot reach the server; try again.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <FormError message={error} />
      <section className="panel" aria-labelledby="pending-heading">
        <h2 id="pending-heading">Waiting for a decision ({pending.length})</h2>
        {pending.length === 0 ? (
          <p className="empty">No pending requests.</p>
        ) : (
          <ul className="feed" data-testid="pending-acceptances">
            {pending.map((a) => {
              const own = a.requested_by?.id === meId;
              return (
                <li key={a.id} data-testid={`acceptance-${a.id}`}>
                  <h3>
                    <Link href={`/risks/${a.risk_id}`}>
                      #{a.risk_id} {a.risk_title}
                    </Link>
                  </h3>
                  <AcceptanceSummary a={a} />
                  {own ? (
                    <p className="muted">You requested this one: another admin decides it.</p>
                  ) : (
                    <form className="form" onSubmit={(e) => void decide(e, a)} aria-label={`Decide acceptance ${a.id}`}>
                      <div className="row">
                        <label>
                          Note
                          <input name="note" maxLength={2000} />
                        </label>
                        <label>
                          Accepted until (approve)
                          <input name="expires_at" type="date" defaultValue={a.expires_at.slice(0, 10)} />
                        </label>
                      </div>
                      <div className="row">
                        <button type="submit" name="verb" value="approve" disabled={busy === a.id}>
                          Approve
                        </button>
                        <button type="submit" name="verb" value="reject" className="secondary" disabled={busy === a.id}>
                          Reject
                        </button>
                      </div>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Latest</h2>
        {recent.length === 0 ? (
          <p className="empty">No acceptances yet.</p>
        ) : (
          <ul className="feed">
            {recent.map((a) => (
              <li key={a.id}>
                <Link href={`/risks/${a.risk_id}`}>
                  #{a.risk_id} {a.risk_title}
                </Link>
                <AcceptanceSummary a={a} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
