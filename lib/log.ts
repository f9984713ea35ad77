// Structured JSON logs (pino): cheap enough for hot paths, machine-readable in production. The
// level comes from the validated configuration; secrets are redacted wherever they appear.
import pino from "pino";

const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "secret",
  "*.secret",
];

export function createLogger(opts: { level: string; instance?: string }) {
  return pino({ level: opts.level, base: { app: "riskpulse", ...(opts.instance ? { instance: opts.instance } : {}) }, redact: REDACT });
}

export type Logger = ReturnType<typeof createLogger>;

/** For code paths with nothing to say (unit tests, scripts that print their own output). */
export const silentLogger: Logger = createLogger({ level: "silent" });
