"use client";
// The edit-conflict resolver: a save refused with 409 `edit_conflict` (someone else saved the
// risk since this form opened) shows, for each field where this form's value and the saved one
// differ, both values to choose from — the form's value preselected where this user changed the
// field, the saved one where only the other person did — and saves the choices against the
// version that is current now. Nothing is overwritten without being seen.
import { useState } from "react";
import { ApiError } from "@/lib/client/api";
import type { RiskDto } from "@/lib/domain/risks";
import { FormError } from "@/components/shell/form-error";

export interface Conflict {
  current: RiskDto;
  /** Fields whose value in the form and in the saved risk differ. */
  fields: { name: string; mine: unknown; theirs: unknown; changedHere: boolean }[];
  payload: Record<string, unknown>;
}

const LABELS: Record<string, string> = {
  title: "Title",
  description: "Description",
  severity: "Severity",
  likelihood: "Likelihood",
  impact: "Impact",
  status: "Status",
  owner_id: "Owner",
  treatment: "Treatment",
  residual_likelihood: "Residual likelihood",
  residual_impact: "Residual impact",
  next_review_at: "Next review",
  category: "Category",
  tags: "Tags",
};
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const show = (name: string, v: unknown, risk?: RiskDto) => {
  if (v === null || v === undefined || v === "") return "(none)";
  if (name === "owner_id" && risk?.owner && risk.owner.id === v) return risk.owner.name;
  if (Array.isArray(v)) return v.length ? v.join(", ") : "(none)";
  if (name === "next_review_at") return String(v).slice(0, 10);
  return String(v);
};

/** The conflict in a refused save, or null when the error is anything else. */
export function conflictOf(err: unknown, payload: Record<string, unknown>, original: RiskDto): Conflict | null {
  if (!(err instanceof ApiError) || err.code !== "edit_conflict") return null;
  const current = (err.details as { current?: RiskDto } | undefined)?.current;
  if (!current) return null;
  const fields = Object.keys(payload)
    .filter((k) => !same(payload[k], current[k as keyof RiskDto]))
    .map((name) => ({
      name,
      mine: payload[name],
      theirs: current[name as keyof RiskDto],
      changedHere: !same(payload[name], original[name as keyof RiskDto]),
    }));
  return { current, fields, payload };
}

export function ConflictChoices({
  conflict,
  message,
  busy,
  onSave,
  onCancel,
}: {
  conflict: Conflict;
  message?: string;
  busy: boolean;
  onSave: (payload: Record<string, unknown>) => void;
  onCancel: () => void;
}) {
  const [choice, setChoice] = useState<Record<string, "mine" | "theirs">>(() =>
    Object.fromEntries(conflict.fields.map((f) => [f.name, f.changedHere ? "mine" : "theirs"])),
  );
  function submit(e: React.FormEvent) {
    e.preventDefault();
    const payload: Record<string, unknown> = {};
    for (const f of conflict.fields) payload[f.name] = choice[f.name] === "mine" ? f.mine : f.theirs;
    if (Object.keys(payload).length === 0) payload.title = conflict.current.title; // nothing differs: confirm as is
    onSave(payload);
  }
  return (
    <form className="form" onSubmit={submit} data-testid="edit-conflict">
      <h1>Edit conflict on risk #{conflict.current.id}</h1>
      <FormError message={message} />
      {conflict.fields.length === 0 && <p>The other change matches yours; save to confirm.</p>}
      {conflict.fields.map((f) => (
        <fieldset key={f.name} data-field={f.name}>
          <legend>{LABELS[f.name] ?? f.name}</legend>
          <label>
            <input
              type="radio"
              name={`choice-${f.name}`}
              checked={choice[f.name] === "mine"}
              onChange={() => setChoice((c) => ({ ...c, [f.name]: "mine" }))}
            />
            Yours: <b>{show(f.name, f.mine)}</b>
          </label>
          <label>
            <input
              type="radio"
              name={`choice-${f.name}`}
              checked={choice[f.name] === "theirs"}
              onChange={() => setChoice((c) => ({ ...c, [f.name]: "theirs" }))}
            />
            Saved by someone else: <b>{show(f.name, f.theirs, conflict.current)}</b>
          </label>
        </fieldset>
      ))}
      <div style={{ display: "flex", gap: 8, justifyContent: "flex-end" }}>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save these values"}
        </button>
      </div>
    </form>
  );
}
