"use client";
// What the signed-in user gets by e-mail (README "E-mail"): events and alert severities as
// checkboxes, saved with PUT /api/v1/me/email-preferences. Alerts and violations reach admins only.
import { useState } from "react";
import useSWR from "swr";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { EmailPreferences } from "@/lib/domain/webhooks/email";
import { FormError } from "./form-error";

const KEY = "/api/v1/me/email-preferences";
type Prefs = EmailPreferences & { mail_configured: boolean };
const EVENTS = [
  ["alert", "Alerts", true],
  ["violation", "Quota violations", true],
  ["risk.critical", "A risk becomes critical", false],
  ["mitigation.overdue", "A mitigation is overdue", false],
] as const;
const SEVERITIES = [
  ["warning", "Warning"],
  ["critical", "Critical"],
] as const;

export function EmailPreferencesForm({ admin }: { admin: boolean }) {
  const prefs = useSWR(KEY, (url: string) => api<Prefs>("GET", url), { revalidateOnFocus: false });
  const save = useApiAction();
  const [saved, setSaved] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setSaved(false);
    const r = await save.run(() =>
      api<Prefs>("PUT", KEY, { events: f.getAll("events").map(String), severities: f.getAll("severities").map(String) }),
    );
    if (r.ok) {
      setSaved(true);
      void prefs.mutate(r.value, { revalidate: false });
    }
  }

  if (prefs.error)
    return (
      <div className="notice" role="alert">
        Could not load your e-mail preferences; retrying.
      </div>
    );
  if (!prefs.data) return <div className="empty">Loading e-mail preferences…</div>;
  const p = prefs.data;
  return (
    // Keyed by what was loaded, so the checkboxes start from the saved choice.
    <form key={JSON.stringify([p.events, p.severities])} onSubmit={submit} aria-label="E-mail preferences" data-testid="email-preferences">
      {!p.mail_configured && (
        <div className="notice" role="status">
          This server sends no e-mail yet (no SMTP_URL): your choice is kept for when it does.
        </div>
      )}
      <fieldset className="checks">
        <legend>Events</legend>
        {EVENTS.filter(([, , adminOnly]) => admin || !adminOnly).map(([value, text]) => (
          <label key={value} className="check">
            <input type="checkbox" name="events" value={value} defaultChecked={p.events.includes(value)} />
            {text}
          </label>
        ))}
      </fieldset>
      {admin && (
        <fieldset className="checks">
          <legend>Alert severities</legend>
          {SEVERITIES.map(([value, text]) => (
            <label key={value} className="check">
              <input type="checkbox" name="severities" value={value} defaultChecked={p.severities.includes(value)} />
              {text}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" disabled={save.busy}>
        {save.busy ? "Saving…" : "Save e-mail preferences"}
      </button>{" "}
      <span role="status">{saved ? "Saved." : ""}</span>
      <FormError message={save.error} />
    </form>
  );
}
