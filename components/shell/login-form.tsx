"use client";
// Signs in against next-auth's credentials endpoint directly (not next-auth/react's signIn), so
// the form can tell a wrong password (401) from throttling (429, with how long to wait) and an
// outage (503).
import { useState } from "react";

async function signInWithPassword(
  email: string,
  password: string,
  callbackUrl: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const csrf = await fetch("/api/auth/csrf", { cache: "no-store" }).then((r) => r.json() as Promise<{ csrfToken: string }>);
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, email, password, callbackUrl, json: "true" }),
  });
  if (res.ok) return { ok: true };
  const body = (await res.json().catch(() => ({}))) as { error?: string; details?: { retry_after_s?: number } };
  if (res.status === 429) {
    const s = Number(res.headers.get("retry-after") ?? body.details?.retry_after_s ?? 60);
    return { ok: false, message: `Too many failed attempts. Try again in ${s >= 90 ? `${Math.ceil(s / 60)} minutes` : `${s} seconds`}.` };
  }
  if (res.status === 503) return { ok: false, message: "Sign-in is unavailable right now. Try again shortly." };
  return { ok: false, message: "Wrong e-mail or password." };
}

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    const r = await signInWithPassword(String(form.get("email")), String(form.get("password")), callbackUrl).catch(() => ({
      ok: false as const,
      message: "Cannot reach the server. Try again.",
    }));
    if (r.ok) {
      window.location.assign(callbackUrl); // full load: the server components read the new cookie
      return;
    }
    setBusy(false);
    setError(r.message);
  }

  return (
    <form className="form" onSubmit={onSubmit} aria-label="Sign in">
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <div className="alert-box" role="alert">
          {error}
        </div>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
