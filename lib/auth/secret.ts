// The JWT secret: NEXTAUTH_SECRET when set (required when several instances share sessions);
// otherwise one generated on first start and kept in the data directory with mode 0600, so a
// fresh checkout runs with nothing to configure and no secret ever lives in the repository.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function resolveSecret(configured: string | undefined, dataDir: string): { secret: string; source: "env" | "file" | "generated" } {
  if (configured) return { secret: configured, source: "env" };
  const file = path.join(dataDir, ".auth-secret");
  if (fs.existsSync(file)) return { secret: fs.readFileSync(file, "utf8").trim(), source: "file" };
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return { secret, source: "generated" };
}
