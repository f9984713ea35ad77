// A live connection's state, as a status light shows it (the app's header, a wallboard script).
import type { Code } from "../../../lib/contract/codes";
import type { SourceName } from "./sources/source";

export type LiveState = "connecting" | "live" | "reconnecting" | "sse" | "polling" | "offline";

export interface LiveStatus {
  state: LiveState;
  /** The transport delivering now (null: none yet). */
  source: SourceName | null;
  error: string | null;
  /** Set when retrying cannot help (the session ended, the token was revoked …). */
  terminal: Code | null;
  attempt: number;
  nextRetryAt: number | null;
}

export const INITIAL_STATUS: LiveStatus = { state: "connecting", source: null, error: null, terminal: null, attempt: 0, nextRetryAt: null };
