// Structured JSON logs (pino): cheap enough for hot paths, and machine-readable in production.
import pino from "pino";

export const log = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { app: "riskpulse" },
  redact: ["password", "*.password", "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
});

export type Logger = typeof log;
