"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, ApiError } from "@/lib/browser/api";

interface Token {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function TokenManager({ tokens }: { tokens: Token[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    try {
      const t = await api<Token & { token: string }>("POST", "/api/v1/tokens", { name: String(new FormData(form).get("name")) });
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
        <form className="toolbar" onSubmit={create}>
          <label>
            Name
            <input name="name" placeholder="e.g. NOC wallboard" required maxLength={100} />
          </label>
          <button type="submit" disabled={busy}>
            Create token
          </button>
        </form>
        {error && <div className="alert-box">{error}</div>}
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
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td className="muted">{t.prefix}…</td>
                  <td>{new Date(t.created_at).toLocaleString()}</td>
                  <td>{t.last_used_at ? new Date(t.last_used_at).toLocaleString() : "never"}</td>
                  <td>{t.revoked_at ? <span className="pill">revoked</span> : <span className="pill">active</span>}</td>
                  <td>
                    {!t.revoked_at && (
                      <button className="danger" onClick={() => void revoke(t.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
