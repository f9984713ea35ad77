"use client";
// Alert rules from the console: add one of the four kinds (its own fields appear with it),
// switch rules on and off, delete them. Validation comes back from the server and is shown in
// place (README "Alerts").
import { useState } from "react";
import useSWR from "swr";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { AlertRuleDto } from "@/lib/domain/quota/alert-rules";
import type { UserDto } from "@/lib/domain/users";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";

export const ALERT_RULES_KEY = "/api/v1/alert-rules";
const KINDS = {
  violations: "Violations in a window",
  utilization: "Utilisation of a quota",
  throttle: "Sustained throttling",
  system: "System load",
} as const;
type Kind = keyof typeof KINDS;
const fetcher = <T,>(url: string) => api<T>("GET", url);
const num = (f: FormData, name: string) => {
  const v = String(f.get(name) ?? "").trim();
  return v === "" ? Number.NaN : Number(v);
};

/** What the rule watches, in words. */
function condition(r: AlertRuleDto): string {
  switch (r.kind) {
    case "violations":
      return `${r.count} violations in ${r.window_minutes} min`;
    case "utilization":
      return `≥ ${r.percent} % of any quota`;
    case "throttle":
      return `factor below ${r.factor} for ${r.minutes} min`;
    case "system":
      return `${r.resource === "cpu" ? "CPU" : "memory"} above ${r.percent} % for ${r.minutes} min`;
  }
}

export function AlertRuleEditor() {
  const rules = useSWR(ALERT_RULES_KEY, fetcher<{ items: AlertRuleDto[] }>, { revalidateOnFocus: false });
  const users = useSWR("/api/v1/users?page_size=200", fetcher<{ items: UserDto[] }>, { revalidateOnFocus: false });
  const [kind, setKind] = useState<Kind>("violations");
  const save = useApiAction();
  const change = useApiAction();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const user = String(f.get("user_id") ?? "");
    const name = String(f.get("name") ?? "").trim();
    const params =
      kind === "violations"
        ? { count: num(f, "count"), window_minutes: num(f, "window_minutes") }
        : kind === "utilization"
          ? { percent: num(f, "percent") }
          : kind === "throttle"
            ? { factor: num(f, "factor"), minutes: num(f, "minutes") }
            : { resource: String(f.get("resource")), percent: num(f, "percent"), minutes: num(f, "minutes") };
    const r = await save.run(() =>
      api("POST", ALERT_RULES_KEY, {
        kind,
        ...params,
        ...(name ? { name } : {}),
        severity: String(f.get("severity")),
        ...(kind === "system" ? {} : { user_id: user ? Number(user) : null }),
        cooldown_minutes: num(f, "cooldown_minutes"),
      }),
    );
    if (r.ok) void rules.mutate();
  }
  async function toggle(r: AlertRuleDto) {
    if ((await change.run(() => api("PATCH", `${ALERT_RULES_KEY}/${r.id}`, { enabled: !r.enabled }))).ok) void rules.mutate();
  }
  async function del(r: AlertRuleDto) {
    if (!window.confirm(`Delete the alert rule "${r.name}"?`)) return;
    if ((await change.run(() => api("DELETE", `${ALERT_RULES_KEY}/${r.id}`))).ok) void rules.mutate();
  }
  const field = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement>) => (
    <label>
      {label}
      <input name={name} type="number" required inputMode="decimal" {...props} />
      <FieldErrorText message={save.fieldError(name)} />
    </label>
  );

  return (
    <div data-testid="alert-rule-editor">
      <form className="toolbar" onSubmit={submit} noValidate aria-label="Add an alert rule">
        <label>
          Kind
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {Object.entries(KINDS).map(([k, text]) => (
              <option key={k} value={k}>
                {text}
              </option>
            ))}
          </select>
        </label>
        {kind === "violations" && (
          <>
            {field("count", "Violations", { min: 1, step: 1, defaultValue: 3 })}
            {field("window_minutes", "Within (min)", { min: 1, step: 1, defaultValue: 60 })}
          </>
        )}
        {kind === "utilization" && field("percent", "At least (%)", { min: 1, max: 100, defaultValue: 80 })}
        {kind === "throttle" && (
          <>
            {field("factor", "Factor below", { min: 0.01, max: 1, step: 0.05, defaultValue: 0.5 })}
            {field("minutes", "For (min)", { min: 0, step: 1, defaultValue: 5 })}
          </>
        )}
        {kind === "system" && (
          <>
            <label>
              Resource
              <select name="resource" defaultValue="cpu">
                <option value="cpu">CPU</option>
                <option value="memory">memory</option>
              </select>
            </label>
            {field("percent", "Above (%)", { min: 1, max: 100, defaultValue: 90 })}
            {field("minutes", "For (min)", { min: 0, step: 1, defaultValue: 5 })}
          </>
        )}
        {kind !== "system" && (
          <label>
            For
            <select name="user_id" defaultValue="">
              <option value="">everyone</option>
              {(users.data?.items ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
            <FieldErrorText message={save.fieldError("user_id")} />
          </label>
        )}
        <label>
          Severity
          <select name="severity" defaultValue="warning">
            <option>warning</option>
            <option>critical</option>
          </select>
        </label>
        {field("cooldown_minutes", "Repeat after (min)", { min: 1, step: 1, defaultValue: 60 })}
        <label>
          Name
          <input name="name" maxLength={100} placeholder="optional" />
          <FieldErrorText message={save.fieldError("name")} />
        </label>
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Add rule"}
        </button>
      </form>
      <FormError message={save.error ?? change.error} />
      {rules.error ? (
        <div className="notice">Could not load the alert rules; retrying.</div>
      ) : !rules.data ? (
        <div className="empty">Loading alert rules…</div>
      ) : rules.data.items.length === 0 ? (
        <div className="empty">No alert rules: nothing raises an alert.</div>
      ) : (
        <div className="table-scroll">
          <table data-testid="alert-rule-list">
            <thead>
              <tr>
                <th>Rule</th>
                <th>When</th>
                <th>For</th>
                <th>Severity</th>
                <th className="num">Repeat after</th>
                <th>On</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.data.items.map((r) => (
                <tr key={r.id} data-rule={r.id} className={r.enabled ? undefined : "muted"}>
                  <td>{r.name}</td>
                  <td>{condition(r)}</td>
                  <td>{r.kind === "system" ? <i>the server</i> : r.user_id ? (r.username ?? `user ${r.user_id}`) : <i>everyone</i>}</td>
                  <td>
                    <span className={`sev sev-${r.severity === "critical" ? "critical" : "high"}`}>{r.severity}</span>
                  </td>
                  <td className="num">{r.cooldown_minutes} min</td>
                  <td>
                    <input
                      type="checkbox"
                      checked={r.enabled}
                      disabled={change.busy}
                      onChange={() => void toggle(r)}
                      aria-label={`${r.enabled ? "Disable" : "Enable"} ${r.name}`}
                    />
                  </td>
                  <td className="actions">
                    <button className="danger" disabled={change.busy} onClick={() => void del(r)} aria-label={`Delete ${r.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
