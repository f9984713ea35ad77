"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    const res = await signIn("credentials", {
      email: String(form.get("email")),
      password: String(form.get("password")),
      redirect: false,
      callbackUrl,
    }).catch(() => undefined);
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl); // full load: the server components read the new cookie
      return;
    }
    setBusy(false);
    setError(res ? "Wrong e-mail or password." : "Cannot reach the server. Try again.");
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
