"use client";
// Set and delete quotas from the console: the default for everyone or one user's own, per
// command type and period. Validation comes back from the server and is shown in place. The
// list is refetched when any admin changes a quota (the console's quota_change messages).
import useSWR from "swr";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { QuotaDto } from "@/lib/domain/quota/dto";
import type { UserDto } from "@/lib/domain/users";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";

export const QUOTAS_KEY = "/api/v1/quotas";
type QuotaRow = QuotaDto & { username: string | null };
const PERIODS = ["hourly", "daily", "weekly", "monthly"] as const;
const fetcher = <T,>(url: string) => api<T>("GET", url);

export function QuotaEditor() {
  const quotas = useSWR(QUOTAS_KEY, fetcher<{ items: QuotaRow[] }>, { revalidateOnFocus: false });
  const users = useSWR("/api/v1/users?page_size=200", fetcher<{ items: UserDto[] }>, { revalidateOnFocus: false });
  const save = useApiAction();
  const remove = useApiAction();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const user = String(f.get("user_id") ?? "");
    const limitText = String(f.get("limit") ?? "").trim();
    const r = await save.run(() =>
      api("PUT", QUOTAS_KEY, {
        user_id: user ? Number(user) : null,
        command_type: String(f.get("command_type") ?? "").trim(),
        period: String(f.get("period")),
        limit: limitText === "" ? Number.NaN : Number(limitText),
      }),
    );
    if (r.ok) void quotas.mutate();
  }
  async function del(q: QuotaRow) {
    const who = q.user_id ? (q.username ?? `user ${q.user_id}`) : "everyone";
    if (!window.confirm(`Delete the ${q.period} ${q.command_type} quota for ${who}?`)) return;
    if ((await remove.run(() => api("DELETE", `${QUOTAS_KEY}/${q.id}`))).ok) void quotas.mutate();
  }

  return (
    <div data-testid="quota-editor">
      <form className="toolbar" onSubmit={submit} noValidate aria-label="Set a quota">
        <label>
          For
          <select name="user_id" defaultValue="">
            <option value="">everyone (default)</option>
            {(users.data?.items ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Command type
          <input name="command_type" required maxLength={50} placeholder="e.g. deploy" />
          <FieldErrorText message={save.fieldError("command_type")} />
        </label>
        <label>
          Period
          <select name="period" defaultValue="daily">
            {PERIODS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Limit
          <input name="limit" type="number" min={0} step={1} required inputMode="numeric" />
          <FieldErrorText message={save.fieldError("limit")} />
        </label>
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Set quota"}
        </button>
      </form>
      <FormError message={save.error ?? remove.error} />
      {quotas.error ? (
        <div className="notice">Could not load the quotas; retrying.</div>
      ) : !quotas.data ? (
        <div className="empty">Loading quotas…</div>
      ) : quotas.data.items.length === 0 ? (
        <div className="empty">No quotas: every command is allowed.</div>
      ) : (
        <div className="table-scroll">
          <table data-testid="quota-list">
            <thead>
              <tr>
                <th>For</th>
                <th>Command</th>
                <th>Period</th>
                <th className="num">Limit</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {quotas.data.items.map((q) => (
                <tr key={q.id} data-quota={`${q.user_id ?? "*"}:${q.command_type}:${q.period}`}>
                  <td>{q.user_id ? (q.username ?? `user ${q.user_id}`) : <i>everyone</i>}</td>
                  <td>{q.command_type}</td>
                  <td>{q.period}</td>
                  <td className="num">{q.limit}</td>
                  <td className="actions">
                    <button
                      className="danger"
                      disabled={remove.busy}
                      onClick={() => void del(q)}
                      aria-label={`Delete ${q.period} ${q.command_type} quota`}
                    >
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
