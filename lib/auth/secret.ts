// The JWT secret: NEXTAUTH_SECRET when set (required when several instances share sessions);
// otherwise one generated on first start and kept in the data directory. The file is created
// atomically with mode 0600 (two first starts at once agree on one secret), and refused when
// others can read it or it is too short — a leaked or weak secret forges every session.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const MIN_SECRET_LENGTH = 32;

/** The secret file is unsafe (readable by others) or too short: the server refuses to start, saying how to fix it. */
export class SecretError extends Error {}

function readSecretFile(file: string): string {
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) {
    throw new SecretError(`${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new SecretError(
      `${file} holds a secret shorter than ${MIN_SECRET_LENGTH} characters; delete it to generate a new one (signs everyone out)`,
    );
  }
  return secret;
}

/**
 * The JWT secret and where it came from: NEXTAUTH_SECRET, the data directory's file, or one
 * generated into it now (two first starts at once agree on one).
 */
export function resolveSecret(configured: string | undefined, dataDir: string): { secret: string; source: "env" | "file" | "generated" } {
  if (configured) return { secret: configured, source: "env" };
  const file = path.join(dataDir, ".auth-secret");
  if (fs.existsSync(file)) return { secret: readSecretFile(file), source: "file" };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // only the server's user may list or enter it
  // Write a private temporary file, then link it into place: link() fails if another process
  // got there first, and then both use the winner's secret.
  const secret = crypto.randomBytes(32).toString("base64url");
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(tmp, secret + "\n", { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(tmp, file);
    return { secret, source: "generated" };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return { secret: readSecretFile(file), source: "file" };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
