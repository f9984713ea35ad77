// Changes over the live connection (create_risk, update_risk, create_mitigation,
// update_mitigation) on Socket.IO and the plain WebSocket, graded by the database and by REST:
// an acknowledged change is in the database as the acknowledgement says, with its audit entry,
// and its patch reaches the sender like every other client; a refusal has the same status, code,
// message and details as the REST route's answer to the same input; the per-connection limit holds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CommandResultData, DashboardPatch, Envelope } from "../../lib/contract/protocol";
import { createDb } from "../../lib/db/client";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { plainWs } from "../support/plain-ws";
import { startServer, type TestServer } from "../support/server";
import { record, until } from "../support/socket";

const RATE = 6;

describe("write commands over the socket", () => {
  let srv: TestServer;
  let cookie: string, token: string, analystToken: string;
  let db: ReturnType<typeof createDb>;
  const closers: (() => void)[] = [];
  const socket = async (t = token) => {
    const c = await record(`${srv.url}/dashboard`, t);
    closers.push(() => c.close());
    await c.next("dashboard_update", { from: 0 });
    return c;
  };
  const command = async (c: Awaited<ReturnType<typeof socket>>, name: string, arg: unknown) => {
    const env = (await c.socket.timeout(5000).emitWithAck(name, arg)) as Envelope;
    assert.equal(env.type, "command_result", JSON.stringify(env.data));
    return env.data as CommandResultData;
  };

  before(async () => {
    srv = await startServer({
      env: { DASHBOARD_COALESCE_MS: "20", SOCKET_COMMAND_RATE_LIMIT: String(RATE), SOCKET_COMMAND_RATE_WINDOW_MS: "60000" },
    });
    cookie = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "socket commands" })).body.token;
    const analyst = await login(srv.url, ANALYST);
    analystToken = (await call(srv.url, { cookie: analyst }, "POST", "/api/v1/tokens", { name: "analyst" })).body.token;
    db = createDb(srv.databaseUrl);
  });
  after(async () => {
    closers.forEach((c) => c());
    await db?.$disconnect();
    await srv?.stop();
  });

  it("create_risk and update_risk: acknowledged as the database has it, audited as the connection's user, the patch reaching the sender", async () => {
    const c = await socket(analystToken);
    const created = await command(c, "create_risk", { title: "over the socket", severity: "critical", likelihood: 1, impact: 1 });
    assert.ok(created.ok && "risk" in created, JSON.stringify(created));
    const row = await db.risk.findUniqueOrThrow({ where: { id: created.risk.id } });
    assert.equal(row.title, "over the socket");
    assert.equal(row.severity, "critical");
    const rest = (await call(srv.url, { cookie }, "GET", `/api/v1/risks/${created.risk.id}`)).body;
    assert.deepEqual({ ...created.risk, score_history: undefined }, { ...rest, score_history: undefined }, "the REST body");
    const me = await db.user.findUniqueOrThrow({ where: { email: ANALYST.email } });
    const audit = await db.auditEntry.findFirst({ where: { entity: "risk", entityId: String(created.risk.id), action: "created" } });
    assert.equal(audit?.actorId, me.id, "audited as the connection's user");
    // A critical risk at score 10 enters the top 10: the sender gets the patch like everyone else.
    await until(
      () =>
        c.messages.some(
          (m) => m.type === "dashboard_patch" && JSON.stringify((m.data as DashboardPatch).patch).includes("over the socket"),
        ),
      5000,
      "the creator's own patch",
    );

    const updated = await command(c, "update_risk", { id: created.risk.id, patch: { title: "renamed over the socket", likelihood: 0.5 } });
    assert.ok(updated.ok && "risk" in updated);
    const after = await db.risk.findUniqueOrThrow({ where: { id: created.risk.id } });
    assert.equal(after.title, "renamed over the socket");
    assert.equal(after.likelihood, 0.5);
    assert.equal(updated.risk.likelihood, 0.5);
    assert.equal(updated.command, "update_risk");
  });

  it("a refusal is the REST route's: same status, code, message and details; nothing written", async () => {
    const c = await socket();
    const before = await db.risk.count();
    const bad = { title: "", severity: "dire", likelihood: 2, impact: 0.5 };
    const r = await command(c, "create_risk", bad);
    const rest = await call(srv.url, { token }, "POST", "/api/v1/risks", bad);
    assert.ok(!r.ok);
    assert.equal(r.status, rest.status);
    assert.equal(r.error.message, rest.body.error);
    assert.deepEqual(r.error.details, rest.body.details);
    assert.equal(r.error.code, rest.body.code);
    assert.equal(await db.risk.count(), before, "nothing created");

    const missing = await command(c, "update_risk", { id: 2_000_000_000, patch: { title: "x" } });
    const restMissing = await call(srv.url, { token }, "PATCH", "/api/v1/risks/2000000000", { title: "x" });
    assert.ok(!missing.ok);
    assert.equal(missing.status, 404);
    assert.equal(restMissing.status, 404);
    assert.equal(missing.error.message, restMissing.body.error);

    const badPatch = await command(c, "update_risk", { id: 1, patch: { likelihood: "very" } });
    const restBadPatch = await call(srv.url, { token }, "PATCH", "/api/v1/risks/1", { likelihood: "very" });
    assert.ok(!badPatch.ok);
    assert.deepEqual(badPatch.error.details, restBadPatch.body.details, "the patch's fields named as REST names them");
  });

  it("update_risk checks the version as REST PATCH does: a stale `version` or if_match is refused with 409 edit_conflict, nothing written", async () => {
    const c = await socket();
    const made = (
      await call(srv.url, { cookie }, "POST", "/api/v1/risks", { title: "versioned", severity: "low", likelihood: 0.2, impact: 0.2 })
    ).body as { id: number; version: number };
    assert.equal((await call(srv.url, { cookie }, "PATCH", `/api/v1/risks/${made.id}`, { title: "moved on" })).status, 200);
    const stale = await command(c, "update_risk", { id: made.id, patch: { title: "from version 1", version: made.version } });
    assert.ok(!stale.ok);
    assert.equal(stale.status, 409);
    assert.equal(stale.error.code, "edit_conflict");
    assert.equal((stale.error.details as { current: { version: number } }).current.version, made.version + 1);
    const staleMatch = await command(c, "update_risk", { id: made.id, patch: { title: "from version 1" }, if_match: `"${made.version}"` });
    assert.ok(!staleMatch.ok);
    assert.equal(staleMatch.error.code, "edit_conflict");
    // REST's answer to the same edit is the same refusal.
    const rest = await fetch(`${srv.url}/api/v1/risks/${made.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "if-match": `"${made.version}"` },
      body: JSON.stringify({ title: "from version 1" }),
    });
    const restBody = (await rest.json()) as { code: string; error: string; details: unknown };
    assert.equal(rest.status, 409);
    assert.deepEqual(
      { code: staleMatch.error.code, message: staleMatch.error.message, details: staleMatch.error.details },
      { code: restBody.code, message: restBody.error, details: restBody.details },
    );
    assert.equal((await db.risk.findUniqueOrThrow({ where: { id: made.id } })).title, "moved on", "nothing written");
    const fresh = await command(c, "update_risk", { id: made.id, patch: { title: "from version 2" }, if_match: `W/"${made.version + 1}"` });
    assert.ok(fresh.ok && "risk" in fresh, JSON.stringify(fresh));
    assert.equal(fresh.risk.version, made.version + 2);
    assert.equal((await db.risk.findUniqueOrThrow({ where: { id: made.id } })).title, "from version 2");
  });

  it("create_mitigation and update_mitigation (progress): the database agrees with the acknowledgement", async () => {
    const c = await socket();
    const risk = await db.risk.findFirstOrThrow({ where: { status: "open" } });
    const made = await command(c, "create_mitigation", { risk_id: risk.id, title: "socket plan", due_date: "2027-06-30" });
    assert.ok(made.ok && "mitigation" in made, JSON.stringify(made));
    const progressed = await command(c, "update_mitigation", {
      id: made.mitigation.id,
      patch: { completion_percent: 60, status: "in_progress" },
    });
    assert.ok(progressed.ok && "mitigation" in progressed);
    const row = await db.mitigation.findUniqueOrThrow({ where: { id: made.mitigation.id } });
    assert.equal(row.completionPercent, 60);
    assert.equal(row.status, "in_progress");
    assert.equal(progressed.mitigation.completion_percent, 60);
  });

  it("the plain WebSocket: args and a request_id, answered with a command_result carrying it", async () => {
    const ws = plainWs(`${srv.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}`);
    closers.push(() => ws.ws.close());
    await ws.next("dashboard_update");
    const risk = await db.risk.findFirstOrThrow({ where: { status: "open" } });
    ws.send({ action: "update_risk", request_id: "r-1", args: { id: risk.id, patch: { title: "plain socket title" } } });
    const res = await ws.next((f) => f.type === "command_result" && f.data?.request_id === "r-1");
    assert.equal(res.data?.ok, true);
    assert.equal((await db.risk.findUniqueOrThrow({ where: { id: risk.id } })).title, "plain socket title");
    ws.send({ action: "create_risk", request_id: "r-2", args: { title: "" } });
    const refused = await ws.next((f) => f.type === "command_result" && f.data?.request_id === "r-2");
    assert.equal(refused.data?.ok, false);
    assert.equal(refused.data?.status, 400);
  });

  it("at most SOCKET_COMMAND_RATE_LIMIT per window per connection: then rate_limited (429), nothing written", async () => {
    const c = await socket();
    const risk = await db.risk.findFirstOrThrow({ where: { status: "open" } });
    const results: CommandResultData[] = [];
    for (let i = 0; i <= RATE; i++) results.push(await command(c, "update_risk", { id: risk.id, patch: { title: `limit ${i}` } }));
    assert.deepEqual(
      results.map((r) => r.ok),
      [...Array(RATE).fill(true), false],
    );
    const last = results.at(-1)!;
    assert.ok(!last.ok && last.status === 429 && last.error.code === "rate_limited");
    assert.equal((await db.risk.findUniqueOrThrow({ where: { id: risk.id } })).title, `limit ${RATE - 1}`);
    // Another connection has its own allowance.
    const other = await socket();
    assert.equal((await command(other, "update_risk", { id: risk.id, patch: { title: "other connection" } })).ok, true);
  });

  it("record_command is POST /api/v1/commands over the socket: exactly the limit of 200 concurrent checks on 10 sockets, and REST's refusals", async () => {
    const me = (await call(srv.url, { token: analystToken }, "GET", "/api/v1/me")).body.id as number;
    await call(srv.url, { cookie }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "socketburst", period: "hourly", limit: 50 });
    const clients = await Promise.all(Array.from({ length: 10 }, () => socket(analystToken)));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => command(clients[i % clients.length]!, "record_command", { command_type: "socketburst" })),
    );
    const statuses: Record<number, number> = {};
    for (const a of answers) {
      assert.ok(a.ok && "quota" in a, JSON.stringify(a));
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    }
    assert.deepEqual(statuses, { 200: 50, 429: 150 }, "answers by status");
    const refused = answers.find((a) => a.ok && "quota" in a && a.status === 429)!;
    assert.ok(refused.ok && "quota" in refused);
    assert.deepEqual(Object.keys(refused.quota).sort(), ["allowed", "command_type", "remaining", "throttle_factor", "violation"]);
    assert.equal(await db.violation.count({ where: { userId: me, commandType: "socketburst" } }), 150, "the violations in the database");
    assert.equal(await db.commandExecution.count({ where: { userId: me, commandType: "socketburst", allowed: true } }), 50);
    // Refusals as REST's.
    const c = clients[0]!;
    for (const [arg, status] of [
      [{ command_type: "Rm -rf" }, 400],
      [{ command_type: "shell", user_id: 1 }, 403],
    ] as const) {
      const r = await command(c, "record_command", arg);
      const rest = await call(srv.url, { token: analystToken }, "POST", "/api/v1/commands", arg);
      assert.ok(!r.ok);
      assert.deepEqual([r.status, r.error.message, r.error.details], [rest.status, rest.body.error, rest.body.details]);
      assert.equal(r.status, status);
    }
  });
});
