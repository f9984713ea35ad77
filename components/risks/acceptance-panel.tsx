"use client";
// The risk page's acceptance panel (README "Risk acceptance"): the acceptance in force or waiting
// (status, who asked, until when, who decided), a form to request one (justification and expiry)
// when none is pending, and the requester's "Withdraw". Admins decide on /admin/acceptances.
// Every decision moves the risk's version (a risk_change on the risk's live messages), so the
// panel re-reads the risk's acceptances when the version moves: nothing is polled.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { AcceptanceDto } from "@/lib/domain/acceptance-rules";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";

const day = (iso: string) => iso.slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** One acceptance as a sentence: status, requester, expiry, decision. */
export function AcceptanceSummary({ a }: { a: AcceptanceDto }) {
  return (
    <p>
      <span className="pill" data-testid="acceptance-status">
        {a.status}
      </span>{" "}
      requested by {a.requested_by?.name ?? "a deleted user"} on {day(a.requested_at)}, until {day(a.expires_at)}
      {a.decided_by ? (
        <>
          {" "}
          · {a.status === "expired" ? "approved" : a.status} by {a.decided_by.name}
          {a.decided_at ? ` on ${day(a.decided_at)}` : ""}
          {a.decision_note ? `: “${a.decision_note}”` : ""}
        </>
      ) : null}
      <br />
      <span className="muted">Justification: {a.justification}</span>
    </p>
  );
}

export function AcceptancePanel({
  riskId,
  version,
  initial,
  me,
  onChanged: onRiskChanged,
}: {
  riskId: number;
  /** The risk's version: a change re-reads its acceptances. */
  version: number;
  initial: AcceptanceDto[];
  me: { id: number; role: "admin" | "analyst" };
  onChanged: () => void;
}) {
  const action = useApiAction();
  const [items, setItems] = useState(initial);
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: AcceptanceDto[] }>("GET", `/api/v1/risks/${riskId}/acceptances`)).items);
    } catch {
      /* kept as shown; the page's own notice tells of a lost connection */
    }
  }, [riskId]);
  // The server rendered the acceptances of the first version: re-read only when it moves.
  const shown = useRef(version);
  useEffect(() => {
    if (version === shown.current) return;
    shown.current = version;
    const t = setTimeout(() => void reload(), 0); // after the render that showed the new version
    return () => clearTimeout(t);
  }, [reload, version]);
  const onChanged = () => {
    void reload();
    onRiskChanged();
  };
  const [open, setOpen] = useState(false);
  const current = items.find((a) => a.status === "pending" || a.status === "approved") ?? items[0];
  const pending = items.some((a) => a.status === "pending");

  async function request(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const expires = String(f.get("expires_at") ?? "");
    const done = await action.run(() =>
      api("POST", `/api/v1/risks/${riskId}/acceptances`, {
        justification: String(f.get("justification") ?? ""),
        // The end of the chosen day, UTC.
        expires_at: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : "",
      }),
    );
    if (done.ok) {
      setOpen(false);
      onChanged();
    }
  }

  return (
    <section className="panel" aria-labelledby="acceptance-heading" data-testid="acceptance-panel">
      <div className="page-head">
        <h2 id="acceptance-heading">Acceptance</h2>
        {!pending && !open && (
          <button className="secondary" onClick={() => setOpen(true)}>
            Request acceptance
          </button>
        )}
      </div>
      {current ? <AcceptanceSummary a={current} /> : <p className="muted">Nobody has asked to accept this risk.</p>}
      {current?.status === "pending" && current.requested_by?.id === me.id && (
        <button
          className="secondary"
          disabled={action.busy}
          onClick={async () => (await action.run(() => api("POST", `/api/v1/acceptances/${current.id}/revoke`, {}))).ok && onChanged()}
        >
          Withdraw request
        </button>
      )}
      {current?.status === "pending" && me.role === "admin" && current.requested_by?.id !== me.id && (
        <p>
          <Link href="/admin/acceptances">Decide it on the Acceptances page</Link>
        </p>
      )}
      {open && (
        <form className="form" onSubmit={request} aria-label="Request acceptance">
          <label>
            Justification
            <textarea name="justification" required maxLength={2000} rows={3} />
            <FieldErrorText message={action.fieldError("justification")} />
          </label>
          <label>
            Accepted until
            <input name="expires_at" type="date" required min={inDays(1)} defaultValue={inDays(90)} />
            <FieldErrorText message={action.fieldError("expires_at")} />
          </label>
          <div className="row">
            <button type="submit" disabled={action.busy}>
              Send request
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <FormError message={action.error} />
    </section>
  );
}
