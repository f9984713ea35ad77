"use client";
// Changing one's own password: the current one proves it is you; every other session of yours
// ends, this one stays signed in.
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import { FieldErrorText } from "./field-error";
import { FormError } from "@/components/shell/form-error";

export function PasswordForm() {
  const action = useApiAction();
  const [done, setDone] = useState(false);
  const [mismatch, setMismatch] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setDone(false);
    const next = String(f.get("new_password"));
    if (next !== String(f.get("confirm"))) return setMismatch(true);
    setMismatch(false);
    const r = await action.run(() =>
      api("POST", "/api/v1/me/password", { current_password: String(f.get("current_password")), new_password: next }),
    );
    if (r.ok) {
      form.reset();
      setDone(true);
    }
  }
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Change password">
      <label>
        Current password
        <input name="current_password" type="password" required autoComplete="current-password" />
        <FieldErrorText message={action.fieldError("current_password")} />
      </label>
      <label>
        New password
        <input
          name="new_password"
          type="password"
          required
          minLength={12}
          maxLength={200}
          autoComplete="new-password"
          aria-describedby="new-pw-hint"
        />
        <FieldErrorText message={action.fieldError("new_password")} />
      </label>
      <label>
        New password, again
        <input name="confirm" type="password" required autoComplete="new-password" />
        <FieldErrorText message={mismatch ? "the two new passwords differ" : undefined} />
      </label>
      <p className="muted" id="new-pw-hint">
        At least 12 characters, not containing your name or e-mail. Your other sessions are signed out.
      </p>
      <FormError message={action.error} />
      {done && (
        <div className="notice" role="status">
          Password changed. Your other sessions were signed out.
        </div>
      )}
      <div>
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
