// deploy/riskpulse.service as systemd itself reads it: `systemd-analyze verify` finds no error
// (unknown directives, a missing ExecStart binary, bad values), and `systemd-analyze security`
// rates the sandbox "OK" or better. The directives the README promises are there.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, it } from "node:test";

const run = promisify(execFile);
const UNIT = path.resolve("deploy/riskpulse.service");
const ANALYZE = "/usr/bin/systemd-analyze";

describe("deploy/riskpulse.service", () => {
  // Not a skip: npm test installs Debian's systemd when systemd-analyze is missing.
  assert.ok(fs.existsSync(ANALYZE), "systemd-analyze is missing (npm test installs it: apt-get install systemd)");

  it("passes systemd-analyze verify without a warning", async () => {
    const { stdout, stderr } = await run(ANALYZE, ["verify", UNIT]);
    assert.equal(stdout + stderr, "");
  });

  it("is sandboxed: systemd-analyze security rates its exposure at most 2.0 of 10", async () => {
    // --threshold makes systemd-analyze exit non-zero above it; execFile rejects then.
    const { stdout } = await run(ANALYZE, ["security", "--offline=yes", "--threshold=20", "--no-pager", UNIT]);
    assert.match(stdout, /Overall exposure level for riskpulse\.service: [0-9.]+ (OK|SAFE)/);
  });

  it("restarts on failure, reloads by draining, and runs only the built server", () => {
    const directives = new Map<string, string[]>();
    for (const line of fs.readFileSync(UNIT, "utf8").split("\n")) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (m) directives.set(m[1]!, [...(directives.get(m[1]!) ?? []), m[2]!]);
    }
    const one = (k: string) => directives.get(k)?.at(-1);
    assert.equal(one("ProtectSystem"), "strict");
    for (const k of ["ProtectHome", "PrivateTmp", "PrivateDevices", "NoNewPrivileges", "ProtectKernelTunables", "ProtectControlGroups"])
      assert.equal(one(k), "yes", k);
    assert.equal(one("CapabilityBoundingSet"), "");
    assert.equal(one("Restart"), "on-failure");
    assert.equal(one("ExecReload"), "/bin/kill -TERM $MAINPID");
    // A reload's clean exit (the server drains on SIGTERM and exits 0) must start it again.
    assert.equal(one("RestartForceExitStatus"), "0");
    assert.equal(one("ExecStart"), "/usr/bin/node dist/server.mjs");
    assert.ok(
      fs.readFileSync("scripts/build-server.mjs", "utf8").includes("dist/server.mjs"),
      "the build no longer writes dist/server.mjs",
    );
    // The server's environment (scripts/server-env.json) is the unit's too.
    const env = one("Environment") ?? "";
    for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync("scripts/server-env.json", "utf8")) as Record<string, string>))
      assert.ok(env.split(" ").includes(`${k}=${v}`), `Environment= lacks ${k}=${v} (scripts/server-env.json)`);
    // TimeoutStopSec leaves the drain its time: SHUTDOWN_TIMEOUT_MS (10 s) and the 2 s margin.
    assert.ok(Number(one("TimeoutStopSec")?.replace(/s$/, "")) >= 12);
  });
});
