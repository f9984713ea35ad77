// Chaos, shutdown: SIGTERM while 200 sockets, SSE streams and keep-alive HTTP traffic are open.
// The server tells every live client, lets in-flight requests finish, exits 0 within 3 s, and
// no request it accepted is reset (a client may find it gone — refused — but never cut off).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { scratchDatabase } from "../../lib/db/scratch";
import { flavor } from "../support/flavor";
import { ADMIN, call, login } from "../support/http";
import { freePort, startServer, type TestServer } from "../support/server";
import { openSse } from "../support/sse";
import { record, sleep, until } from "../support/socket";

describe("chaos: SIGTERM under load", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer({ env: { DRAIN_MS: process.env.CHAOS_DRAIN_MS ?? "1000" } })));
  after(() => srv?.stop());

  it("drains: every client told, in-flight requests answered, exit 0 by itself, no accepted request reset", async () => {
    const token = (await call(srv.url, { cookie: await login(srv.url, ADMIN) }, "POST", "/api/v1/tokens", { name: "drain" })).body.token;
    const sockets = await Promise.all(Array.from({ length: 200 }, () => record(`${srv.url}/dashboard`, token)));
    const streams = await Promise.all(
      Array.from({ length: 20 }, () => openSse(`${srv.url}/api/v1/sse/dashboard`, { authorization: `Bearer ${token}` })),
    );
    await Promise.all(streams.map((s) => s.until((f) => f.event === "dashboard_update")));

    // Keep-alive traffic: each loop reuses its connection until the server closes it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const tally = { ok: 0, refused: 0, reset: 0, other: [] as string[] };
    let stop = false;
    const get = () =>
      new Promise<void>((resolve) => {
        const req = http.get(`${srv.url}/api/v1/me`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) tally.ok++;
            else tally.other.push(String(res.statusCode));
            resolve();
          });
        });
        req.on("error", (e: NodeJS.ErrnoException) => {
          if (e.code === "ECONNREFUSED") tally.refused++;
          else if (e.code === "ECONNRESET" || /socket hang up/.test(e.message)) tally.reset++;
          else tally.other.push(e.code ?? e.message);
          resolve();
        });
      });
    const loops = Array.from({ length: 10 }, async () => {
      while (!stop) {
        await get();
        if (tally.refused > 0) await sleep(20);
      }
    });
    await until(() => tally.ok > 50, 30_000, "keep-alive traffic flowing");

    const t0 = Date.now();
    const exited = new Promise<number | null>((r) => srv.proc.once("exit", (code) => r(code)));
    srv.proc.kill("SIGTERM");
    // How fast is the benchmark's business; here: it exits by itself, far sooner than a stuck
    // drain would let it (a generous deadline for a loaded machine).
    const code = await Promise.race([exited, sleep(30_000).then(() => "still running after 30 s")]);
    const exitMs = Date.now() - t0;
    stop = true;
    await Promise.all(loops);
    agent.destroy();

    const told = sockets.filter((s) =>
      s.messages.some((m) => m.type === "error" && (m.data as { code: string }).code === "shutdown"),
    ).length;
    const sseTold = streams.filter((s) => s.frames.some((f) => f.event === "error" && f.data?.includes('"shutdown"'))).length;
    console.log(
      `CHAOS sigterm ${JSON.stringify({ sockets: sockets.length, sse: streams.length, exit_code: code, exit_ms: exitMs, told_sockets: told, told_sse: sseTold, requests: tally })}`,
    );
    sockets.forEach((s) => s.close());
    await Promise.all(streams.map((s) => s.close()));
    assert.equal(code, 0);
    assert.equal(told, sockets.length, "every socket was told why");
    assert.equal(sseTold, streams.length, "every SSE stream was told why");
    assert.equal(tally.reset, 0, "no request the server accepted was cut off");
    assert.deepEqual(tally.other, []);
    assert.ok(tally.ok > 50);
    await srv.launch(); // so after() stops a running server
  });
});

/** Every process below `pid` (children, grandchildren …), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => parent.forEach((pp, c) => pp === p && (out.push(c), walk(c)));
  walk(pid);
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("chaos: SIGTERM to npm start", () => {
  it("reaches the server, which drains; npm waits for it and leaves no process behind", async () => {
    const db = await scratchDatabase(flavor, "npmstart", { asyncCommit: true });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-npmstart-"));
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      SEED_DEMO: "1",
      LOG_LEVEL: "warn",
    };
    delete env.NODE_ENV; // as an operator would run it
    const npm = spawn("npm", ["start"], {
      env: env as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    npm.stdout!.on("data", (d) => (out += d));
    npm.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => npm.once("exit", (code) => r(code)));
    try {
      await until(
        async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok === true,
        60_000,
        `npm start serving (${out.slice(-500)})`,
      );
      const below = descendants(npm.pid!);
      assert.ok(below.length >= 1, "the server runs below npm");
      npm.kill("SIGTERM");
      const code = await exited;
      assert.equal(code, 0, `npm start exited with ${code}: ${out.slice(-500)}`);
      assert.deepEqual(below.filter(alive), [], "no orphaned server");
      await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`), "the port is free");
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
      for (const p of descendants(npm.pid!)) if (alive(p)) process.kill(p, "SIGKILL");
      await db.drop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
