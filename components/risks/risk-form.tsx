"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { RiskDto } from "@/lib/domain/risks";
import { api, ApiError, type FieldError } from "@/lib/client/api";
import { FormError } from "@/components/shell/form-error";
import { OwnerSelect, ownerIdOf } from "@/components/owners/people";
import { TREATMENT_CHOICES as TREATMENTS } from "@/lib/contract/register";
import { ConflictChoices, conflictOf, type Conflict } from "./edit-conflict";

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
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const latest = mode.kind === "edit" ? mode.risk : undefined;
  // The risk as it was when the dialog opened: the form edits that version, whatever the live
  // page receives meanwhile, so a change saved by someone else shows as a conflict, never silently.
  const [opened, setOpened] = useState(latest);
  const r = latest && opened;

  async function save(payload: Record<string, unknown>, version: number | undefined) {
    setBusy(true);
    setErrors([]);
    setMessage(undefined);
    try {
      if (r) await api("PATCH", `/api/v1/risks/${r.id}`, { ...payload, version });
      else await api("POST", "/api/v1/risks", payload);
      setConflict(null);
      dialog.current?.close();
      if (onSaved) onSaved();
      else router.refresh();
    } catch (err) {
      const c = r ? conflictOf(err, payload, r) : null;
      if (c) {
        setConflict(c);
        setMessage("Someone else saved this risk while you were editing. Choose, for each field that differs, which value to keep.");
      } else if (err instanceof ApiError) {
        setErrors(err.fields);
        setMessage(err.fields.length ? "Please fix the fields marked below." : err.message);
      } else setMessage("Cannot reach the server. Your input is kept; try again.");
    } finally {
      setBusy(false);
    }
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const optionalUnit = (name: string) => (String(f.get(name) ?? "") === "" ? null : Number(f.get(name)));
    const review = String(f.get("next_review_at") ?? "");
    const payload = {
      title: String(f.get("title")),
      description: String(f.get("description") ?? ""),
      severity: String(f.get("severity")),
      likelihood: Number(f.get("likelihood")),
      impact: Number(f.get("impact")),
      status: String(f.get("status")),
      owner_id: ownerIdOf(f),
      treatment: String(f.get("treatment") ?? "") || null,
      residual_likelihood: optionalUnit("residual_likelihood"),
      residual_impact: optionalUnit("residual_impact"),
      category: String(f.get("category") ?? "").trim() || null,
      tags: String(f.get("tags") ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      // Sent only when changed: the date input holds the day, the risk an instant within it.
      ...(review !== (r?.next_review_at?.slice(0, 10) ?? "")
        ? { next_review_at: review ? new Date(`${review}T00:00:00Z`).toISOString() : null }
        : {}),
    };
    await save(payload, r?.version);
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
      <button
        className={className}
        onClick={() => {
          setConflict(null);
          setMessage(undefined);
          setErrors([]);
          setOpened(latest);
          dialog.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-label={r ? `Edit risk ${r.id}` : "New risk"}>
        {conflict && r ? (
          <ConflictChoices
            conflict={conflict}
            message={message}
            busy={busy}
            onCancel={() => dialog.current?.close()}
            onSave={(payload) => save(payload, conflict.current.version)}
          />
        ) : (
          <form className="form" onSubmit={onSubmit} noValidate key={r ? `${r.id}@${r.version}` : "new"}>
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
            <div className="row">
              <label>
                Treatment
                <select name="treatment" defaultValue={r?.treatment ?? ""}>
                  <option value="">undecided</option>
                  {TREATMENTS.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
                {err("treatment")}
              </label>
              <label>
                Residual likelihood
                <input name="residual_likelihood" type="number" step="0.01" min="0" max="1" defaultValue={r?.residual_likelihood ?? ""} />
                {err("residual_likelihood")}
              </label>
              <label>
                Residual impact
                <input name="residual_impact" type="number" step="0.01" min="0" max="1" defaultValue={r?.residual_impact ?? ""} />
                {err("residual_impact")}
              </label>
              <label>
                Next review
                <input name="next_review_at" type="date" defaultValue={r?.next_review_at?.slice(0, 10) ?? ""} />
                {err("next_review_at")}
              </label>
            </div>
            <div className="row">
              <label>
                Category
                <input name="category" defaultValue={r?.category ?? ""} maxLength={80} />
                {err("category")}
              </label>
              <label>
                Tags (comma-separated)
                <input name="tags" defaultValue={r?.tags.join(", ") ?? ""} />
                {err("tags")}
              </label>
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
        )}
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
