// @riskpulse/client, built (packages/client/dist, as a user installs it), run in Node against a
// real server: each transport on its own, with and without dashboard sections, resume by lastId
// after a disconnect and across a network cut, the fallback when a proxy refuses WebSocket (and
// SSE), and the package's exports through the wallboard example in a plain `node` process.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import type * as Sdk from "@riskpulse/client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, call, login } from "../support/http";
import { startProxy } from "../support/tcp-proxy";
import { until } from "../support/socket";

const run = promisify(execFile);
const FAST = { reconnectInterval: 100, maxReconnectDelay: 400, pollInterval: 150, connectTimeout: 2000 };

/**
 * An HTTP proxy in front of the server that refuses WebSocket upgrades (a proxy or firewall that
 * blocks them) and, with `blockSse`, answers the SSE streams with 502.
 */
async function blockingProxy(target: number, opts: { blockSse?: boolean } = {}) {
  const server = http.createServer((req, res) => {
    if (opts.blockSse && req.url?.startsWith("/api/v1/sse/")) return void res.writeHead(502).end();
    const up = http.request({ host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
    res.on("close", () => up.destroy());
  });
  server.on("upgrade", (_req, socket: net.Socket) => socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe("@riskpulse/client against a real server", () => {
  let srv: TestServer;
  let sdk: typeof Sdk;
  let token: string;
  let admin: { cookie: string };
  const clients: Sdk.LiveClient[] = [];
  const open = (opts: Sdk.ConnectOptions) => {
    const c = sdk.connect({ ...FAST, ...opts });
    clients.push(c);
    return c;
  };
  /** Every message a client gets, and the dashboard it holds by applying them. */
  const follow = (c: Sdk.LiveClient) => {
    const got: Sdk.Message<"dashboard">[] = [];
    const state = { data: null as Sdk.DashboardUpdate | null, gaps: 0 };
    c.on("message", (m) => {
      got.push(m);
      const r = sdk.applyDashboardMessage(state.data, m);
      if (r.kind === "updated") state.data = r.data;
      if (r.kind === "gap") state.gaps++;
    });
    return { got, state };
  };
  const serverVersion = async () => (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body.version as number;
  const change = async (title: string) => {
    const res = await call(srv.url, { token }, "POST", "/api/v1/risks", { title, severity: "high", likelihood: 0.6, impact: 0.7 });
    assert.equal(res.status, 201);
  };
  /** The client holds exactly the server's dashboard (same version, same figures). */
  const caughtUp = async (state: { data: Sdk.DashboardUpdate | null }, what: string) => {
    await until(async () => state.data?.version === (await serverVersion()), 15_000, what);
    const rest = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body;
    assert.deepEqual(state.data!.metrics, rest.metrics);
  };

  before(async () => {
    // The built package, as `import "@riskpulse/client"` gets it outside this repository.
    sdk = (await import(pathToFileURL(path.resolve("packages/client/dist/index.js")).href)) as typeof Sdk;
    srv = await startServer();
    admin = { cookie: await login(srv.url, ADMIN) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "sdk" })).body.token;
  });
  after(async () => {
    clients.forEach((c) => c.close());
    await srv?.stop();
  });

  for (const transport of ["websocket", "sse", "polling"] as const) {
    it(`over ${transport} alone: the snapshot, then live changes, then resume by lastId`, async () => {
      const a = open({ url: srv.url, token, transports: [transport] });
      const fa = follow(a);
      await until(() => a.status.source === transport && fa.state.data !== null, 15_000, `${transport} live with a snapshot`);
      assert.equal(a.status.state, transport === "websocket" ? "live" : transport);
      await change(`sdk ${transport} live`);
      await caughtUp(fa.state, `${transport} client has the change`);
      assert.ok(
        fa.got.some((m) => m.type === "dashboard_patch"),
        "the change arrived as a patch",
      );
      const held = fa.state.data!;
      const lastId = a.lastId;
      assert.ok(lastId, "the client reports its cursor");
      a.close();

      // Missed while disconnected; a new connection with lastId gets just that, as patches.
      await change(`sdk ${transport} missed`);
      const b = open({ url: srv.url, token, transports: [transport], lastId: lastId! });
      const fb = follow(b);
      fb.state.data = held;
      await caughtUp(fb.state, `${transport} client resumed`);
      const logged = fb.got.filter((m) => m.type === "dashboard_patch" || m.type === "dashboard_update");
      assert.equal(logged[0]?.type, "dashboard_patch", `resumed with ${logged.map((m) => m.type).join(", ")}`);
      assert.equal((logged[0] as Sdk.Message<"dashboard", "dashboard_patch">).data.base_version, held.version);
      assert.equal(fb.state.gaps, 0);
      b.close();
    });
  }

  for (const transport of ["websocket", "sse", "polling"] as const) {
    it(`over ${transport} with sections: only those sections, live and on resume`, async () => {
      const sections = ["metrics", "severity_distribution"] as const;
      const only = (d: object | null | undefined) => Object.keys(d ?? {}).sort();
      const a = open({ url: srv.url, token, transports: [transport], sections });
      const fa = follow(a);
      await until(() => a.status.source === transport && fa.state.data !== null, 15_000, `${transport} live with a sectioned snapshot`);
      assert.deepEqual(only(fa.state.data), ["metrics", "severity_distribution", "version"]);
      await change(`sdk ${transport} sections`);
      await caughtUp(fa.state, `${transport} sectioned client has the change`);
      const rest = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body;
      assert.deepEqual(fa.state.data!.severity_distribution, rest.severity_distribution);
      for (const m of fa.got)
        if (m.type === "dashboard_patch")
          for (const op of m.data.patch)
            assert.match(op.path, /^\/(metrics|severity_distribution)(\/|$)/, `a patch outside the sections: ${op.path}`);
      const held = fa.state.data!;
      const lastId = a.lastId!;
      a.close();

      // Missed while away, resumed with the same sections: patches only, still only those sections.
      await change(`sdk ${transport} sections missed`);
      const b = open({ url: srv.url, token, transports: [transport], sections, lastId });
      const fb = follow(b);
      fb.state.data = held;
      await caughtUp(fb.state, `${transport} sectioned client resumed`);
      assert.equal(fb.state.gaps, 0);
      assert.ok(!fb.got.some((m) => m.type === "dashboard_update"), "resumed, not resent");
      assert.deepEqual(only(fb.state.data), ["metrics", "severity_distribution", "version"]);
      b.close();
    });
  }

  it("resumes across a network cut without a gap or a fresh snapshot", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: srv.port });
    try {
      const c = open({ url: `http://127.0.0.1:${proxy.port}`, token });
      const f = follow(c);
      await until(() => c.status.state === "live" && f.state.data !== null, 15_000, "live through the proxy");
      const before = f.got.length;
      const states: string[] = [];
      c.on("status", (s) => states.push(s.state));
      proxy.cut();
      await change("sdk across the cut");
      await until(() => states.includes("reconnecting") && c.status.state === "live", 15_000, "reconnected");
      await caughtUp(f.state, "caught up after the cut");
      const after = f.got.slice(before).filter((m) => m.type !== "pong");
      assert.ok(after.some((m) => m.type === "dashboard_patch"));
      assert.ok(!after.some((m) => m.type === "dashboard_update"), `resumed, not resent: ${after.map((m) => m.type).join(", ")}`);
      assert.equal(f.state.gaps, 0);
    } finally {
      await proxy.close();
    }
  });

  it("falls back to SSE when WebSocket is refused, and to polling when SSE is too", async () => {
    for (const [blockSse, expected] of [
      [false, "sse"],
      [true, "polling"],
    ] as const) {
      const proxy = await blockingProxy(srv.port, { blockSse });
      try {
        const c = open({ url: proxy.url, token });
        const f = follow(c);
        await until(() => c.status.state === expected && f.state.data !== null, 20_000, `fell back to ${expected}`);
        await change(`sdk via ${expected}`);
        await caughtUp(f.state, `live over ${expected}`);
        c.close();
      } finally {
        await proxy.close();
      }
    }
  });

  it("installs as a package: examples/wallboard.mjs prints the live figures in a plain node process", async () => {
    const { stdout } = await run(process.execPath, ["examples/wallboard.mjs", "--once"], {
      env: { ...process.env, RISKPULSE_URL: srv.url, RISKPULSE_TOKEN: token, NODE_OPTIONS: "" },
      timeout: 30_000,
    });
    const rest = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body;
    assert.match(stdout, new RegExp(`risks ${rest.metrics.total_risks} \\(critical ${rest.metrics.critical_risks}`));
    // Both entry points resolve through package.json "exports", types included.
    const probe = `const c = await import("@riskpulse/client"); const r = await import("@riskpulse/client/react"); console.log(typeof c.connect, typeof r.useDashboardWithWebSocket, typeof r.useWebSocketDashboard, typeof r.useWebSocketStatus)`;
    const exportsRun = await run(process.execPath, ["--input-type=module", "-e", probe], { env: { ...process.env, NODE_OPTIONS: "" } });
    assert.equal(exportsRun.stdout.trim(), "function function function function");
  });
});
