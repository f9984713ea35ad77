"use client";
// Said in the page, not only in the status light: the live connection ended for good because
// the session did (signed out elsewhere, expired, the account was disabled, the token revoked).
import { CODES, type Code } from "@/lib/contract/codes";

const WHY: Partial<Record<Code, string>> = {
  session_ended: "you were signed out",
  session_expired: "it expired",
  token_revoked: "its API token was revoked",
  token_expired: "its API token expired",
  account_disabled: "this account was disabled",
  forbidden: "this account may no longer see this page",
};

export function SessionEnded({ code, path }: { code: Code | null; path: string }) {
  if (!code) return null;
  return (
    <div className="alert-box session-ended" role="alert" data-testid="session-ended">
      <b>Your session has ended</b> ({WHY[code] ?? CODES[code].message}). The data below is no longer updated.{" "}
      <a href={`/login?callbackUrl=${encodeURIComponent(path)}&reason=${encodeURIComponent(code)}`}>Sign in again</a>
    </div>
  );
}
