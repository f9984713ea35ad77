"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { RiskDto } from "@/lib/domain/risks";
import { api, ApiError, type FieldError } from "@/lib/client/api";
import { FormError } from "@/components/shell/form-error";
import { OwnerSelect, ownerIdOf } from "@/components/owners/people";

type Mode = { kind: "create" } | { kind: "edit"; risk: RiskDto };

/** A button that opens the create/edit dialog; on success `onSaved` runs (default: the server-rendered page refreshes). */
export function RiskDialogButton({
  mode,
  label,
  className,
  onSaved,
}: {
  mode: Mode;
  label: string;
  className?: string;
  onSaved?: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const r = mode.kind === "edit" ? mode.risk : undefined;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const payload = {
      title: String(f.get("title")),
      description: String(f.get("description") ?? ""),
      severity: String(f.get("severity")),
      likelihood: Number(f.get("likelihood")),
      impact: Number(f.get("impact")),
      status: String(f.get("status")),
      owner_id: ownerIdOf(f),
    };
    setBusy(true);
    setErrors([]);
    setMessage(undefined);
    try {
      if (r) await api("PATCH", `/api/v1/risks/${r.id}`, payload);
      else await api("POST", "/api/v1/risks", payload);
      dialog.current?.close();
      if (onSaved) onSaved();
      else router.refresh();
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fields);
        setMessage(err.fields.length ? "Please fix the fields marked below." : err.message);
      } else setMessage("Cannot reach the server. Your input is kept; try again.");
    } finally {
      setBusy(false);
    }
  }
  const fieldError = (name: string) => errors.find((e) => e.field === name)?.message;
  const err = (name: string) =>
    fieldError(name) && (
      <span className="field-error" role="alert">
        {fieldError(name)}
      </span>
    );

  return (
    <>
      <button className={className} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-label={r ? `Edit risk ${r.id}` : "New risk"}>
        <form className="form" onSubmit={onSubmit} noValidate>
          <h1>{r ? `Edit risk #${r.id}` : "New risk"}</h1>
          <label>
            Title
            <input name="title" defaultValue={r?.title} maxLength={200} required />
            {err("title")}
          </label>
          <label>
            Description
            <textarea name="description" defaultValue={r?.description} rows={3} maxLength={5000} />
            {err("description")}
          </label>
          <div className="row">
            <label>
              Severity
              <select name="severity" defaultValue={r?.severity ?? "medium"}>
                {["critical", "high", "medium", "low"].map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
              {err("severity")}
            </label>
            <label>
              Likelihood (0–1)
              <input name="likelihood" type="number" step="0.01" min="0" max="1" defaultValue={r?.likelihood ?? 0.5} />
              {err("likelihood")}
            </label>
            <label>
              Impact (0–1)
              <input name="impact" type="number" step="0.01" min="0" max="1" defaultValue={r?.impact ?? 0.5} />
              {err("impact")}
            </label>
            <label>
              Status
              <select name="status" defaultValue={r?.status ?? "open"}>
                <option>open</option>
                <option>closed</option>
              </select>
            </label>
            <OwnerSelect current={r?.owner} error={fieldError("owner_id")} />
          </div>
          <FormError message={message} />
          <div style={{ display: "flex", gap: 8, justifyContent: "flex-end" }}>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" disabled={busy}>
              {busy ? "Saving…" : r ? "Save" : "Create risk"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

export function DeleteRiskButton({ id, title, onDeleted }: { id: number; title: string; onDeleted?: () => void }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      className="danger"
      disabled={busy}
      onClick={async () => {
        if (!window.confirm(`Delete risk "${title}" and its mitigations?`)) return;
        setBusy(true);
        try {
          await api("DELETE", `/api/v1/risks/${id}`);
          if (onDeleted) onDeleted();
          else router.refresh();
        } catch (err) {
          window.alert(err instanceof Error ? err.message : "Delete failed");
        } finally {
          setBusy(false);
        }
      }}
    >
      Delete
    </button>
  );
}
