// The live connection's state, for the status light in the header: the page that owns a live
// connection publishes here; the light subscribes (useSyncExternalStore).
import type { Code } from "../contract/codes";
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

type Listener = () => void;
let current: LiveStatus | null = null;
let reconnect: (() => void) | null = null;
const listeners = new Set<Listener>();

export const statusStore = {
  get: (): LiveStatus | null => current,
  subscribe(fn: Listener) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  publish(status: LiveStatus | null, onReconnect?: () => void) {
    current = status;
    reconnect = status ? (onReconnect ?? reconnect) : null;
    listeners.forEach((l) => l());
  },
  reconnect: () => reconnect?.(),
};
