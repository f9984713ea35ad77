"use client";
// API tokens: create one (optionally expiring; the secret is shown once), see when each was last
// used and when it expires, revoke. Admins see everyone's (with the owner), others their own.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { TokenDto } from "@/lib/auth/api-tokens";

const EXPIRY_CHOICES = [
  { days: 7, label: "in 7 days" },
  { days: 30, label: "in 30 days" },
  { days: 90, label: "in 90 days" },
  { days: 365, label: "in a year" },
  { days: 0, label: "never (until revoked)" },
];

function status(t: TokenDto, now: number) {
  if (t.revoked_at) return "revoked";
  if (t.expires_at && Date.parse(t.expires_at) <= now) return "expired";
  return "active";
}

export function TokenManager({ tokens, showOwner = false }: { tokens: TokenDto[]; showOwner?: boolean }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [now] = useState(() => Date.now());

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = Number(f.get("expires_in_days"));
    setBusy(true);
    setError(undefined);
    try {
      const t = await api<TokenDto & { token: string }>("POST", "/api/v1/tokens", {
        name: String(f.get("name")),
        ...(days > 0 ? { expires_in_days: days } : {}),
      });
      setSecret(t.token);
      form.reset();
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fields[0]?.message ?? err.message) : "Cannot reach the server.");
    } finally {
      setBusy(false);
    }
  }
  async function revoke(id: number) {
    if (!window.confirm("Revoke this token? Clients using it are refused at once.")) return;
    await api("DELETE", `/api/v1/tokens/${id}`).catch((err) => setError(String(err.message)));
    router.refresh();
  }

  return (
    <div className="grid">
      <section className="panel">
        <h2>New token</h2>
        <form className="toolbar" onSubmit={create} aria-label="New token">
          <label>
            Name
            <input name="name" placeholder="e.g. NOC wallboard" required maxLength={100} />
          </label>
          <label>
            Expires
            <select name="expires_in_days" defaultValue="90">
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.days} value={c.days}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Create token
          </button>
        </form>
        {error && (
          <div className="alert-box" role="alert">
            {error}
          </div>
        )}
        {secret && (
          <div data-testid="new-token">
            <p className="muted">Copy it now: it is shown once and stored only as a hash.</p>
            <div className="secret">{secret}</div>
          </div>
        )}
      </section>
      <section className="panel">
        <h2>Tokens</h2>
        {tokens.length === 0 ? (
          <div className="empty">No tokens yet.</div>
        ) : (
          <table data-testid="token-list">
            <thead>
              <tr>
                <th>Name</th>
                {showOwner && <th>Acts as</th>}
                <th>Prefix</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const s = status(t, now);
                return (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    {showOwner && <td>{t.user_email ?? `user ${t.user_id}`}</td>}
                    <td className="muted">{t.prefix}…</td>
                    <td>{new Date(t.created_at).toLocaleString()}</td>
                    <td>{t.last_used_at ? new Date(t.last_used_at).toLocaleString() : "never"}</td>
                    <td>{t.expires_at ? new Date(t.expires_at).toLocaleString() : "never"}</td>
                    <td>
                      <span className={s === "active" ? "pill" : "pill pill-off"}>{s}</span>
                    </td>
                    <td>
                      {!t.revoked_at && (
                        <button className="danger" onClick={() => void revoke(t.id)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
