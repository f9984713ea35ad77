"use client";
// Webhooks from the console (README "Webhooks"): add one (URL, events, JSON or Slack; its signing
// secret is shown once, with a copy button), see which are on or were switched off by failures,
// switch them on and off, delete, send a test event, and read each one's delivery log (every
// attempt's outcome, response code, latency and error), resending a delivery from it.
import { useState } from "react";
import useSWR from "swr";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { DeliveryDto, WebhookCreated, WebhookDto } from "@/lib/domain/webhooks/webhooks";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";

export const WEBHOOKS_KEY = "/api/v1/webhooks";
/** What a webhook can subscribe to, in words (the API's WEBHOOK_EVENTS). */
const EVENTS = [
  ["alert", "Alerts"],
  ["violation", "Quota violations"],
  ["risk.critical", "A risk becomes critical"],
  ["acceptance.requested", "Acceptance requested"],
  ["mitigation.overdue", "Mitigation overdue"],
] as const;
const fetcher = <T,>(url: string) => api<T>("GET", url);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

function state(w: WebhookDto): { text: string; off: boolean } {
  if (w.enabled) return { text: w.consecutive_failures ? `on, ${w.consecutive_failures} failed in a row` : "on", off: false };
  return { text: w.consecutive_failures ? `off after ${w.consecutive_failures} failures` : "off", off: true };
}

export function WebhookManager() {
  const hooks = useSWR(WEBHOOKS_KEY, fetcher<{ items: WebhookDto[] }>, { revalidateOnFocus: false });
  const [created, setCreated] = useState<WebhookCreated>();
  const [copied, setCopied] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string>();
  const save = useApiAction();
  const change = useApiAction();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const r = await save.run(() =>
      api<WebhookCreated>("POST", WEBHOOKS_KEY, {
        url: String(f.get("url") ?? "").trim(),
        events: f.getAll("events").map(String),
        format: String(f.get("format") ?? "json"),
      }),
    );
    if (!r.ok) return;
    setCreated(r.value);
    setCopied(false);
    form.reset();
    void hooks.mutate();
  }
  async function copy() {
    if (!created) return;
    await navigator.clipboard.writeText(created.secret).then(
      () => setCopied(true),
      () => setNotice("Copying was refused by the browser: select the secret and copy it by hand."),
    );
  }
  async function toggle(w: WebhookDto) {
    if ((await change.run(() => api("PATCH", `${WEBHOOKS_KEY}/${w.id}`, { enabled: !w.enabled }))).ok) void hooks.mutate();
  }
  async function del(w: WebhookDto) {
    if (!window.confirm(`Delete the webhook to ${w.url}? Its delivery log goes with it.`)) return;
    if ((await change.run(() => api("DELETE", `${WEBHOOKS_KEY}/${w.id}`))).ok) {
      if (open === w.id) setOpen(null);
      void hooks.mutate();
    }
  }
  async function test(w: WebhookDto) {
    const r = await change.run(() => api<{ queued: number }>("POST", `${WEBHOOKS_KEY}/${w.id}/test`));
    if (r.ok) {
      setNotice(`Test event queued for ${w.url}: it appears in the delivery log below.`);
      setOpen(w.id);
    }
  }

  return (
    <div data-testid="webhook-manager">
      <section className="panel">
        <h2>New webhook</h2>
        <form onSubmit={submit} noValidate aria-label="New webhook">
          <div className="toolbar">
            <label>
              URL
              <input name="url" type="url" required maxLength={2000} placeholder="https://hooks.example.com/riskpulse" />
              <FieldErrorText message={save.fieldError("url")} />
            </label>
            <label>
              Format
              <select name="format" defaultValue="json">
                <option value="json">JSON (signed event)</option>
                <option value="slack">Slack incoming webhook</option>
              </select>
            </label>
          </div>
          <fieldset className="checks">
            <legend>Events</legend>
            {EVENTS.map(([value, text]) => (
              <label key={value} className="check">
                <input type="checkbox" name="events" value={value} defaultChecked={value === "alert"} />
                {text}
              </label>
            ))}
            <FieldErrorText message={save.fieldError("events")} />
          </fieldset>
          <button type="submit" disabled={save.busy}>
            {save.busy ? "Adding…" : "Add webhook"}
          </button>
        </form>
        <FormError message={save.error} />
        {created && (
          <div data-testid="new-webhook-secret">
            <p className="muted">
              The signing secret of the webhook to {created.url}. Copy it now: it is shown this once. Your receiver checks each
              request&apos;s <code>RiskPulse-Signature</code> header with it.
            </p>
            <div className="secret" data-testid="webhook-secret">
              {created.secret}
            </div>
            <button type="button" onClick={() => void copy()}>
              Copy secret
            </button>{" "}
            <span role="status">{copied ? "Copied." : ""}</span>
          </div>
        )}
      </section>

      <section className="panel">
        <h2>Webhooks</h2>
        <FormError message={change.error} />
        {notice && (
          <div className="notice" role="status">
            {notice}
          </div>
        )}
        {hooks.error ? (
          <div className="notice" role="alert">
            Could not load the webhooks; retrying.
          </div>
        ) : !hooks.data ? (
          <div className="empty">Loading webhooks…</div>
        ) : hooks.data.items.length === 0 ? (
          <div className="empty">No webhooks yet: alerts reach only the console and e-mail.</div>
        ) : (
          <div className="table-scroll">
            <table data-testid="webhook-list">
              <thead>
                <tr>
                  <th>URL</th>
                  <th>Events</th>
                  <th>Format</th>
                  <th>State</th>
                  <th>On</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {hooks.data.items.map((w) => {
                  const s = state(w);
                  return (
                    <tr key={w.id} data-webhook={w.id}>
                      <td className="wrap">{w.url}</td>
                      <td>{w.events.join(", ")}</td>
                      <td>{w.format}</td>
                      <td>
                        <span className={s.off ? "pill pill-off" : "pill"}>{s.text}</span>
                        {w.disabled_at && <div className="muted">since {when(w.disabled_at)}</div>}
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          checked={w.enabled}
                          disabled={change.busy}
                          onChange={() => void toggle(w)}
                          aria-label={`${w.enabled ? "Disable" : "Enable"} the webhook to ${w.url}`}
                        />
                      </td>
                      <td className="actions">
                        <button disabled={change.busy} onClick={() => void test(w)} aria-label={`Send test event to ${w.url}`}>
                          Send test event
                        </button>{" "}
                        <button
                          onClick={() => setOpen(open === w.id ? null : w.id)}
                          aria-expanded={open === w.id}
                          aria-controls={`deliveries-${w.id}`}
                        >
                          {open === w.id ? "Hide deliveries" : "Deliveries"}
                        </button>{" "}
                        <button
                          className="danger"
                          disabled={change.busy}
                          onClick={() => void del(w)}
                          aria-label={`Delete the webhook to ${w.url}`}
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {open !== null && hooks.data?.items.some((w) => w.id === open) && (
        <DeliveryLog webhook={hooks.data.items.find((w) => w.id === open)!} onChange={() => void hooks.mutate()} />
      )}
    </div>
  );
}

/** One webhook's deliveries, newest first, refreshed every few seconds while open; each can be sent again. */
function DeliveryLog({ webhook, onChange }: { webhook: WebhookDto; onChange: () => void }) {
  const key = `${WEBHOOKS_KEY}/${webhook.id}/deliveries?page_size=50`;
  const log = useSWR(key, fetcher<{ items: DeliveryDto[]; total: number }>, { refreshInterval: 2000, revalidateOnFocus: false });
  const resend = useApiAction();

  async function again(d: DeliveryDto) {
    if ((await resend.run(() => api("POST", `${WEBHOOKS_KEY}/${webhook.id}/deliveries/${d.id}/resend`))).ok) {
      void log.mutate();
      onChange();
    }
  }

  return (
    <section className="panel" id={`deliveries-${webhook.id}`} aria-label={`Deliveries to ${webhook.url}`} data-testid="delivery-log">
      <h2>Deliveries to {webhook.url}</h2>
      <FormError message={resend.error} />
      {log.error ? (
        <div className="notice" role="alert">
          Could not load the delivery log; retrying.
        </div>
      ) : !log.data ? (
        <div className="empty">Loading deliveries…</div>
      ) : log.data.items.length === 0 ? (
        <div className="empty">Nothing sent to this webhook yet. Send a test event to try it.</div>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Event</th>
                <th>Created</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th className="num">Response</th>
                <th className="num">Latency</th>
                <th>Last error</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((d) => {
                const last = d.log.at(-1);
                return (
                  <tr key={d.id} data-delivery={d.delivery_id}>
                    <td>{d.event}</td>
                    <td>{when(d.created_at)}</td>
                    <td>
                      <span className={d.status === "delivered" ? "pill" : "pill pill-off"}>{d.status}</span>
                      {d.status === "pending" && d.next_attempt_at && <div className="muted">next {when(d.next_attempt_at)}</div>}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td className="num" data-testid="status-code">
                      {last?.status_code ?? "—"}
                    </td>
                    <td className="num">{last ? `${last.latency_ms} ms` : "—"}</td>
                    <td className="wrap">{d.log.findLast((a) => a.error)?.error ?? ""}</td>
                    <td>
                      <button
                        disabled={resend.busy}
                        onClick={() => void again(d)}
                        aria-label={`Resend the ${d.event} delivery of ${when(d.created_at)}`}
                      >
                        Resend
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
