// The live connection's state for whoever shows it (the app's header light, useWebSocketStatus):
// the hook that owns a live connection publishes here; readers subscribe (useSyncExternalStore).
import type { LiveStatus } from "./status";

type Listener = () => void;
let current: LiveStatus | null = null;
let reconnect: (() => void) | null = null;
const listeners = new Set<Listener>();

export const statusStore = {
  get: (): LiveStatus | null => current,
  subscribe(fn: Listener) {
    listeners.add(fn);
    return () => void listeners.delete(fn);
  },
  publish(status: LiveStatus | null, onReconnect?: () => void) {
    current = status;
    reconnect = status ? (onReconnect ?? reconnect) : null;
    listeners.forEach((l) => l());
  },
  reconnect: () => reconnect?.(),
};
