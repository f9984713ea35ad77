// The one instance of everything stateful (database, bus, services, real-time hub), created by
// server.ts. Next bundles route handlers and pages separately from server.ts, so a module-level
// singleton would exist twice; the context is therefore kept on globalThis under a symbol.
import "server-only";
import type { createAppContext } from "./bootstrap";

export type AppContext = Awaited<ReturnType<typeof createAppContext>>;

const KEY = Symbol.for("riskpulse.context");
type Holder = { [KEY]?: AppContext };

export function setContext(ctx: AppContext | undefined): void {
  (globalThis as Holder)[KEY] = ctx;
}

export function getContext(): AppContext {
  const ctx = (globalThis as Holder)[KEY];
  if (!ctx) throw new Error("RiskPulse is not initialised: start it with server.ts (npm start / npm run dev)");
  return ctx;
}
