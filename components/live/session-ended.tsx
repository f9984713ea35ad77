"use client";
// Said in the page, not only in the status light: the live connection ended for good because
// the session did (signed out elsewhere, expired, the account was disabled, the token revoked).
import { CODES, type Code } from "@/lib/realtime/codes";

export function SessionEnded({ code, path }: { code: Code | null; path: string }) {
  if (!code) return null;
  const message = CODES[code].message;
  return (
    <div className="alert-box session-ended" role="alert" data-testid="session-ended">
      <b>{message[0]!.toUpperCase() + message.slice(1)}.</b> The data below is no longer updated.{" "}
      <a href={`/login?callbackUrl=${encodeURIComponent(path)}&reason=${encodeURIComponent(code)}`}>Sign in again</a>
    </div>
  );
}
