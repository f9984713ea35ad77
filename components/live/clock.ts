"use client";
// The time to the second, for "x s ago" labels: a store React re-reads once a second, null
// while rendering on the server (so the server's and the browser's first render agree).
import { useSyncExternalStore } from "react";

const clock = {
  subscribe(cb: () => void) {
    const t = setInterval(cb, 1000);
    return () => clearInterval(t);
  },
  now: () => Math.floor(Date.now() / 1000) * 1000,
  server: () => null,
};

export const useNow = (): number | null => useSyncExternalStore(clock.subscribe, clock.now, clock.server);
