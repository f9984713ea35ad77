import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "next-auth/jwt";
import { createApiTokenService } from "../../lib/auth/api-tokens";
import { checkCredentials } from "../../lib/auth/credentials";
import { hashPassword, verifyPassword } from "../../lib/auth/password";
import { apiTokenFrom, resolvePrincipal } from "../../lib/auth/principal";
import { fixedClock, testDb } from "../support/db";

const SECRET = "unit-test-secret-unit-test-secret";

describe("passwords", () => {
  it("verifies the right password only, with a fresh salt each time", async () => {
    const h1 = await hashPassword("correct horse");
    const h2 = await hashPassword("correct horse");
    assert.notEqual(h1, h2);
    assert.equal(await verifyPassword("correct horse", h1), true);
    assert.equal(await verifyPassword("correct horse!", h1), false);
    assert.equal(await verifyPassword("x", "garbage"), false);
  });
});

describe("credentials, tokens and principals", () => {
  const clock = fixedClock("2026-02-01T00:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  let tokens: ReturnType<typeof createApiTokenService>;
  let adminId: number;
  before(async () => {
    t = await testDb();
    tokens = createApiTokenService({ db: t.db, clock });
    const u = await t.db.user.create({ data: { email: "root@x.test", name: "Root", role: "admin", passwordHash: await hashPassword("pw-123456") } });
    adminId = u.id;
  });
  after(() => t.close());

  it("checks credentials case-insensitively on e-mail and rejects wrong ones", async () => {
    assert.equal((await checkCredentials(t.db, { email: "ROOT@x.test", password: "pw-123456" }))?.role, "admin");
    assert.equal(await checkCredentials(t.db, { email: "root@x.test", password: "nope" }), null);
    assert.equal(await checkCredentials(t.db, { email: "ghost@x.test", password: "pw-123456" }), null);
    assert.equal(await checkCredentials(t.db, { email: "not-an-email", password: "x" }), null);
  });

  it("stores only a hash of a token, accepts it until revoked", async () => {
    const created = await tokens.create(adminId, "wallboard");
    assert.match(created.token, /^rp_[A-Za-z0-9_-]{43}$/);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    assert.notEqual(row.tokenHash, created.token);
    assert.ok(!JSON.stringify(row).includes(created.token.slice(3)));
    const p = await tokens.verify(created.token);
    assert.deepEqual([p?.userId, p?.role, p?.via], [adminId, "admin", "token"]);
    await tokens.revoke(created.id);
    assert.equal(await tokens.verify(created.token), null);
    assert.equal(await tokens.verify("rp_forged"), null);
  });

  it("resolves a session cookie (plain or __Secure-) and prefers an API token", async () => {
    const jwt = await encode({ token: { uid: adminId, role: "admin", name: "Root", email: "root@x.test" }, secret: SECRET });
    const deps = { secret: SECRET, tokens };
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      const p = await resolvePrincipal({ cookies: { [name]: jwt } }, deps);
      assert.deepEqual([p?.userId, p?.role, p?.via], [adminId, "admin", "session"]);
    }
    assert.equal(await resolvePrincipal({ cookies: { "next-auth.session-token": jwt } }, { ...deps, secret: "another-secret-another-secret" }), null);
    assert.equal(await resolvePrincipal({ cookies: {} }, deps), null);
    assert.equal(await resolvePrincipal({ cookies: { "next-auth.session-token": jwt }, apiToken: "rp_bad" }, deps), null);
  });

  it("reads API tokens from a Bearer header or ?token=", () => {
    assert.equal(apiTokenFrom("Bearer rp_abc"), "rp_abc");
    assert.equal(apiTokenFrom(null, new URL("http://x/?token=rp_q")), "rp_q");
    assert.equal(apiTokenFrom("Basic xyz"), null);
  });
});
