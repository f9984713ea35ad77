// Runs the real production server (dist/server.mjs, built by the test command) on a free port
// with its own fresh database, for integration tests that talk HTTP and Socket.IO to it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { scratchDatabase } from "../../lib/db/scratch";
import SERVER_ENV from "../../scripts/server-env.json";
import { flavor, TEMPLATE_ENV } from "./flavor";

export interface TestServer {
  url: string;
  databaseUrl: string;
  port: number;
  proc: ChildProcess;
  logs(): string;
  /**
   * Stops the server and drops its database. Throws when its log (over every launch) shows an
   * error nobody handled: see `logProblems`.
   */
  stop(): Promise<number | null>;
  /** Stops the process but keeps the database and data dir (to restart on the same data). */
  restart(env?: Record<string, string>): Promise<void>;
  /** kill -9, then start again on the same data. */
  crash(env?: Record<string, string>): Promise<void>;
  /** Starts again after the process exited by itself (or was stopped with `signal`). */
  launch(env?: Record<string, string>): Promise<void>;
}

/**
 * The lines of a server log that show an error nobody handled: the app's "uncaught exception" and
 * "unhandled rejection" entries, and what Next prints outside the JSON log when a request handler
 * throws (`⨯ …`, `Error: …`, ERR_HTTP_HEADERS_SENT).
 */
export function logProblems(log: string): string[] {
  return log.split("\n").filter((line) => {
    if (line.startsWith("{")) return /"msg":"(uncaught exception|unhandled rejection)"/.test(line);
    return /ERR_HTTP_HEADERS_SENT|^\s*⨯|^\s*(Uncaught |Unhandled )?[A-Z]\w*Error( \[\w+\])?: /.test(line);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitHealthy(url: string, proc: ChildProcess, logs: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${logs()}`);
}

export async function startServer(
  opts: {
    env?: Record<string, string>;
    port?: number;
    dbVia?: (url: string) => string;
    /** A database shared with other servers (created and dropped by whoever owns it). */
    databaseUrl?: string;
    /** Log lines `stop()` tolerates (a test that provokes an unhandled error on purpose). */
    allowInLog?: RegExp;
  } = {},
): Promise<TestServer> {
  const root = process.cwd(); // tests run from the repository root (Playwright compiles this as CommonJS)
  if (!fs.existsSync(path.join(root, "dist/server.mjs"))) throw new Error("dist/server.mjs missing: run `npm run build` first");
  // A server that would seed the demo data starts from the run's seeded copy when there is one.
  const seeds = (opts.env?.SEED_DEMO ?? "1") === "1" && !opts.env?.ADMIN_EMAIL;
  const template = seeds ? process.env[TEMPLATE_ENV[flavor]] : undefined;
  const scratch = opts.databaseUrl
    ? { url: opts.databaseUrl, drop: async () => {} }
    : await scratchDatabase(flavor, "it", { template, asyncCommit: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-it-data-"));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let out = "";
  let earlier = ""; // the logs of the launches before this one, for stop()'s check
  let proc!: ChildProcess;

  const launch = async (env: Record<string, string> = {}) => {
    earlier += out;
    out = "";
    proc = spawn(process.execPath, ["dist/server.mjs"], {
      cwd: root,
      env: {
        ...SERVER_ENV, // what `npm start` sets (scripts/start.mjs)
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        DATABASE_URL: opts.dbVia ? opts.dbVia(scratch.url) : scratch.url,
        NEXTAUTH_URL: url,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
        NEXT_TELEMETRY_DISABLED: "1",
        // The suites sign in as the demo accounts, and open many connections with one token.
        SEED_DEMO: "1",
        MAX_CONNECTIONS_PER_USER: "100000",
        // Stopping waits this long for clients to move; a suite stops dozens of servers.
        DRAIN_MS: "100",
        ...opts.env,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout!.on("data", (d) => (out += d));
    proc.stderr!.on("data", (d) => (out += d));
    await waitHealthy(url, proc, () => out);
  };
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode; // already gone (a signal leaves exitCode null)
    // "close", not "exit": by then all it printed has been read, for stop()'s log check.
    const exited = new Promise<number | null>((r) => proc.once("close", (code) => r(code)));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  await launch();
  return {
    url,
    databaseUrl: scratch.url,
    port,
    get proc() {
      return proc;
    },
    logs: () => out,
    async stop() {
      const code = await kill();
      await scratch.drop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
      const problems = logProblems(earlier + out).filter((l) => !opts.allowInLog?.test(l));
      if (problems.length) throw new Error(`the server logged errors nobody handled:\n${problems.slice(0, 20).join("\n")}`);
      return code;
    },
    async restart(env) {
      await kill();
      await launch(env);
    },
    async crash(env) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      await exited;
      await launch(env);
    },
    launch,
  };
}
