// The connection registry without a transport: the caps at admission (per channel, per user,
// the admin channel's role), and credentials kept checked — a revoked token, an ended session, a
// demotion or an expiry closes exactly the affected connections with a terminal code.
import assert from "node:assert/strict";
import { afterEach, describe, it, mock } from "node:test";
import type { AuthResult, Principal } from "../../lib/auth/principal";
import type { Code } from "../../lib/contract/codes";
import type { ChannelName } from "../../lib/contract/protocol";
import { silentLogger } from "../../lib/log";
import { ConnectionRegistry, type Connection } from "../../lib/realtime/connections";

const principal = (userId: number, extra: Partial<Principal> = {}): Principal => ({
  userId,
  role: "admin",
  name: `u${userId}`,
  email: `u${userId}@x.test`,
  via: "session",
  sessionId: `s${userId}`,
  ...extra,
});

/** A connection whose re-check answers what the test says, and which records how it was closed. */
function conn(channel: ChannelName, p: Principal, recheck: () => Promise<AuthResult> = async () => ({ ok: true, principal: p })) {
  const closed: { code: Code; message?: string }[] = [];
  const c: Connection & { closed: typeof closed } = {
    channel,
    transport: "sse",
    principal: p,
    recheck,
    close: (code, message) => void closed.push({ code, message }),
    closed,
  };
  return c;
}

const registry = (maxPerChannel = 3, maxPerUser = 2) =>
  new ConnectionRegistry({
    maxPerChannel: { dashboard: maxPerChannel, quotas: maxPerChannel, notifications: maxPerChannel },
    maxPerUser,
    log: silentLogger,
  });
const settle = () => new Promise((r) => setImmediate(r));

describe("the connection registry", () => {
  afterEach(() => mock.timers.reset());

  it("admits under the per-channel and per-user caps, and frees a slot on remove", () => {
    const r = registry(3, 2);
    const a = conn("dashboard", principal(1));
    assert.equal(r.admit(a), null);
    assert.equal(r.admit(conn("dashboard", principal(1))), null);
    assert.equal(r.admit(conn("dashboard", principal(1))), "user_connection_limit", "a third for the same user");
    assert.equal(r.admit(conn("dashboard", principal(2))), null);
    assert.equal(r.admit(conn("dashboard", principal(3))), "capacity", "a fourth on the channel");
    assert.equal(r.admit(conn("quotas", principal(3))), null, "the other channel has its own cap");
    assert.deepEqual(r.refused, { user_connection_limit: 1, capacity: 1 });
    r.remove(a);
    r.remove(a); // twice: counted once
    assert.equal(r.count("dashboard"), 2);
    assert.equal(r.admit(conn("dashboard", principal(3))), null, "the slot is free again");
    assert.equal(r.admit(conn("dashboard", principal(4))), "capacity", "and only that one");
    assert.match(r.refusalMessage("capacity", "dashboard"), /at most 3 dashboard clients/);
  });

  it("refuses the admin channel to an analyst", () => {
    const r = registry();
    assert.equal(r.admit(conn("quotas", principal(1, { role: "analyst" }))), "forbidden");
    assert.equal(r.admit(conn("dashboard", principal(1, { role: "analyst" }))), null);
  });

  it("closes the connections of a revoked token, and only those", async () => {
    const r = registry(10, 10);
    const revoked = conn("dashboard", principal(1, { via: "token", tokenId: 7 }), async () => ({ ok: false, code: "token_revoked" }));
    const other = conn("dashboard", principal(1, { via: "token", tokenId: 8 }), async () => ({ ok: false, code: "token_revoked" }));
    r.admit(revoked);
    r.admit(other);
    r.onEvent({ type: "token.revoked", tokenId: 7, userId: 1 });
    await settle();
    assert.deepEqual(revoked.closed, [{ code: "token_revoked", message: undefined }]);
    assert.deepEqual(other.closed, [], "another token of the same user is not re-checked");
    assert.equal(r.count(), 1);
    assert.deepEqual(r.closedByAuth, { token_revoked: 1 });
  });

  it("ends the sessions a session.revoked names, keeping the one it keeps", async () => {
    const r = registry(10, 10);
    const ended = async (): Promise<AuthResult> => ({ ok: false, code: "session_ended" });
    const keep = conn("dashboard", principal(1, { sessionId: "keep" }), ended);
    const gone = conn("dashboard", principal(1, { sessionId: "old" }), ended);
    r.admit(keep);
    r.admit(gone);
    r.onEvent({ type: "session.revoked", userId: 1, keep: "keep" });
    await settle();
    assert.deepEqual([keep.closed.length, gone.closed[0]?.code], [0, "session_ended"]);
  });

  it("moves a demoted admin off the admin channel with forbidden, keeps their dashboard", async () => {
    const r = registry(10, 10);
    const demoted = async (): Promise<AuthResult> => ({ ok: true, principal: principal(1, { role: "analyst" }) });
    const quotas = conn("quotas", principal(1), demoted);
    const dashboard = conn("dashboard", principal(1), demoted);
    r.admit(quotas);
    r.admit(dashboard);
    r.onEvent({ type: "user.changed", userId: 1, change: "updated" });
    await settle();
    assert.equal(quotas.closed[0]?.code, "forbidden");
    assert.match(quotas.closed[0]!.message!, /for admins only/);
    assert.deepEqual(dashboard.closed, []);
    assert.equal(dashboard.principal.role, "analyst", "the kept connection holds the fresh principal");
  });

  it("keeps a connection whose re-check cannot reach the database", async () => {
    const r = registry();
    const c = conn("dashboard", principal(1), async () => {
      throw new Error("database unreachable");
    });
    r.admit(c);
    await r.recheckAll();
    assert.deepEqual([c.closed.length, r.count()], [0, 1]);
  });

  it("closes a session or token at its expiry, within a second", () => {
    mock.timers.enable({ apis: ["setInterval"] });
    let now = 10_000;
    const r = new ConnectionRegistry({
      maxPerChannel: { dashboard: 9, quotas: 9, notifications: 9 },
      maxPerUser: 9,
      log: silentLogger,
      now: () => now,
    });
    const session = conn("dashboard", principal(1, { expiresAt: 11_000 }));
    const token = conn("dashboard", principal(2, { via: "token", tokenId: 1, expiresAt: 12_000 }));
    const forever = conn("dashboard", principal(3));
    [session, token, forever].forEach((c) => r.admit(c));
    r.start();
    try {
      now = 11_000;
      mock.timers.tick(1000);
      assert.deepEqual([session.closed[0]?.code, token.closed.length], ["session_expired", 0]);
      now = 12_500;
      mock.timers.tick(1000);
      assert.equal(token.closed[0]?.code, "token_expired");
      assert.deepEqual([forever.closed.length, r.count()], [0, 1]);
    } finally {
      r.stop();
    }
  });

  it("closes everyone on shutdown", () => {
    const r = registry();
    const cs = [conn("dashboard", principal(1)), conn("quotas", principal(2))];
    cs.forEach((c) => r.admit(c));
    r.closeAll("shutdown");
    assert.deepEqual(
      cs.map((c) => c.closed[0]?.code),
      ["shutdown", "shutdown"],
    );
    assert.equal(r.count(), 0);
  });
});
