"use client";
// Creating and editing mitigations, wherever they are listed (a risk's page, /mitigations), and
// the one-click progress controls. Refusals come back from the server and are shown in place;
// on success the caller refreshes (the server-rendered list, or the live risk page's refetch).
import { useRouter } from "next/navigation";
import { useRef } from "react";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { MitigationDto } from "@/lib/domain/mitigations";
import { MITIGATION_STATUS_OPTIONS, statusLabel } from "./labels";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";
import { OwnerSelect, ownerIdOf } from "@/components/owners/people";

type Mode = { kind: "create"; riskId?: number } | { kind: "edit"; mitigation: MitigationDto };

/** A date input's value (YYYY-MM-DD) for an ISO timestamp, or two weeks from now. */
const dayValue = (iso?: string) => (iso ?? new Date(Date.now() + 14 * 86_400_000).toISOString()).slice(0, 10);

export function MitigationDialogButton({
  mode,
  label,
  onSaved,
  className,
}: {
  mode: Mode;
  label: string;
  onSaved?: () => void;
  className?: string;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const action = useApiAction();
  const m = mode.kind === "edit" ? mode.mitigation : undefined;
  const fixedRisk = mode.kind === "create" ? mode.riskId : m?.risk_id;
  const title = m ? `Edit mitigation #${m.id}` : "New mitigation";

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const payload = {
      title: String(f.get("title")),
      status: String(f.get("status")),
      completion_percent: Number(f.get("completion_percent")),
      due_date: String(f.get("due_date")),
      owner_id: ownerIdOf(f),
    };
    const r = await action.run(() =>
      m
        ? api("PATCH", `/api/v1/mitigations/${m.id}`, payload)
        : api("POST", "/api/v1/mitigations", { ...payload, risk_id: Number(fixedRisk ?? f.get("risk_id")) }),
    );
    if (r.ok) {
      dialog.current?.close();
      if (onSaved) onSaved();
      else router.refresh();
    }
  }

  return (
    <>
      <button
        className={className}
        onClick={() => (action.clear(), dialog.current?.showModal())}
        aria-label={m ? `Edit ${m.title}` : undefined}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-label={title}>
        <form className="form" onSubmit={submit} noValidate>
          <h1>{title}</h1>
          {fixedRisk === undefined && (
            <label>
              Risk number
              <input name="risk_id" type="number" min={1} required inputMode="numeric" />
              <FieldErrorText message={action.fieldError("risk_id")} />
            </label>
          )}
          <label>
            Title
            <input name="title" defaultValue={m?.title} maxLength={200} required />
            <FieldErrorText message={action.fieldError("title")} />
          </label>
          <div className="row">
            <label>
              Status
              <select name="status" defaultValue={m?.status ?? "not_started"}>
                {MITIGATION_STATUS_OPTIONS.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Progress (%)
              <input name="completion_percent" type="number" min={0} max={100} step={1} defaultValue={m?.completion_percent ?? 0} />
              <FieldErrorText message={action.fieldError("completion_percent")} />
            </label>
            <label>
              Due
              <input name="due_date" type="date" defaultValue={dayValue(m?.due_date)} required />
              <FieldErrorText message={action.fieldError("due_date")} />
            </label>
            <OwnerSelect current={m?.owner} error={action.fieldError("owner_id")} />
          </div>
          <FormError message={action.error} />
          <div className="row end">
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" disabled={action.busy}>
              {action.busy ? "Saving…" : m ? "Save" : "Create mitigation"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** Progress in place: +10 %, or complete at once. */
export function ProgressControls({ m, onSaved }: { m: MitigationDto; onSaved: () => void }) {
  const action = useApiAction();
  if (m.status === "completed") return null;
  const save = async (completion: number) => {
    const patch = { completion_percent: completion, status: completion >= 100 ? "completed" : "in_progress" };
    if ((await action.run(() => api("PATCH", `/api/v1/mitigations/${m.id}`, patch))).ok) onSaved();
  };
  return (
    <>
      <button
        className="secondary"
        disabled={action.busy}
        onClick={() => void save(Math.min(100, m.completion_percent + 10))}
        aria-label={`Add 10% progress to ${m.title}`}
      >
        +10%
      </button>
      <button className="secondary" disabled={action.busy} onClick={() => void save(100)} aria-label={`Complete ${m.title}`}>
        Complete
      </button>
      {action.error && (
        <span className="field-error" role="alert">
          {action.error}
        </span>
      )}
    </>
  );
}

export function DeleteMitigationButton({ m, onDeleted }: { m: MitigationDto; onDeleted: () => void }) {
  const action = useApiAction();
  return (
    <button
      className="danger"
      disabled={action.busy}
      aria-label={`Delete ${m.title}`}
      onClick={async () => {
        if (!window.confirm(`Delete mitigation "${m.title}"?`)) return;
        if ((await action.run(() => api("DELETE", `/api/v1/mitigations/${m.id}`))).ok) onDeleted();
      }}
    >
      Delete
    </button>
  );
}

/** A mitigation's progress bar with its figure as text (not colour alone). */
export function ProgressBar({ percent }: { percent: number }) {
  return (
    <div className="progress">
      <div className="bar" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label="progress">
        <i style={{ width: `${percent}%` }} />
      </div>
      <span className="muted">{percent}%</span>
    </div>
  );
}
