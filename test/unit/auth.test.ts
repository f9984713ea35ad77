// The auth layer: passwords (OWASP cost, transparent rehash), sessions checked server-side,
// roles read from the database, revocation taking effect on the next request, throttling,
// redirects and origins, and the session secret file.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { encode } from "next-auth/jwt";
import { createApiTokenService } from "../../lib/auth/api-tokens";
import { checkCredentials } from "../../lib/auth/credentials";
import { createAuthDirectory } from "../../lib/auth/directory";
import { createLoginThrottle } from "../../lib/auth/login-throttle";
import { hashPassword, SCRYPT, verifyPassword } from "../../lib/hashing/password";
import { passwordProblem } from "../../lib/domain/password-policy";
import { apiTokenFrom, resolvePrincipal, type AuthDeps } from "../../lib/auth/principal";
import { MIN_SECRET_LENGTH, resolveSecret, SecretError } from "../../lib/auth/secret";
import { createSessionService } from "../../lib/auth/sessions";
import { SYSTEM } from "../../lib/domain/audit";
import type { DomainEvent } from "../../lib/domain/events";
import { isSameOrigin, safeRedirectPath } from "../../lib/http/request-facts";
import { EventBus } from "../../lib/domain/bus";
import { fixedClock, testDb } from "../support/db";

const SECRET = "unit-test-secret-unit-test-secret-0123";

describe("passwords", () => {
  it("hash at OWASP's scrypt cost and verify the right password only, with a fresh salt each time", async () => {
    const h1 = await hashPassword("correct horse battery");
    const h2 = await hashPassword("correct horse battery");
    assert.notEqual(h1, h2);
    assert.match(h1, new RegExp(`^scrypt\\$${2 ** 17}\\$8\\$1\\$`));
    assert.deepEqual(await verifyPassword("correct horse battery", h1), { ok: true, needsRehash: false });
    assert.equal((await verifyPassword("correct horse battery!", h1)).ok, false);
    assert.equal((await verifyPassword("x", "garbage")).ok, false);
  });

  it("say a hash made with the old cost (N=2^14) needs a new one", async () => {
    const salt = crypto.randomBytes(16);
    const old = (await promisify(crypto.scrypt)("old password", salt, 32)) as Buffer;
    const stored = ["scrypt", 16384, 8, 1, salt.toString("base64"), old.toString("base64")].join("$");
    assert.deepEqual(await verifyPassword("old password", stored), { ok: true, needsRehash: true });
    assert.ok(SCRYPT.N > 16384);
  });

  it("refuse short passwords and ones made of the user's name or e-mail", () => {
    assert.match(passwordProblem("short", {})!, /at least 12/);
    assert.match(passwordProblem("ada.lovelace-2026", { email: "ada.lovelace@x.test" })!, /name or e-mail/);
    assert.match(passwordProblem("Grace rules forever", { name: "Grace Hopper" })!, /name or e-mail/);
    assert.equal(passwordProblem("a sufficiently long passphrase", { email: "ada@x.test", name: "Ada" }), null);
  });
});

describe("credentials, sessions, tokens and principals", () => {
  const clock = fixedClock("2026-02-01T00:00:00Z");
  const now = () => clock.now().getTime();
  let t: Awaited<ReturnType<typeof testDb>>;
  let bus: EventBus;
  let deps: AuthDeps;
  let tokens: ReturnType<typeof createApiTokenService>;
  let sessions: ReturnType<typeof createSessionService>;
  let adminId: number;
  const events: DomainEvent[] = [];
  const cookie = async (uid: number, sid: string, extra: Record<string, unknown> = {}) =>
    ({ "next-auth.session-token": await encode({ token: { uid, sid, ...extra }, secret: SECRET }) }) as Record<string, string>;

  before(async () => {
    t = await testDb();
    bus = new EventBus();
    bus.subscribe((e) => events.push(e));
    const directory = createAuthDirectory({ db: t.db });
    bus.subscribe((e) => directory.onEvent(e));
    deps = { secret: SECRET, directory, now };
    tokens = createApiTokenService({ db: t.db, events: bus, clock });
    sessions = createSessionService({ db: t.db, events: bus, clock, maxAgeS: 3600 });
    const u = await t.db.user.create({
      data: { email: "root@x.test", name: "Root", role: "admin", passwordHash: await hashPassword("pw-123456-long") },
    });
    adminId = u.id;
  });
  after(() => t.close());

  it("checks credentials case-insensitively on e-mail, rejects wrong ones and disabled users", async () => {
    assert.equal((await checkCredentials(t.db, { email: "ROOT@x.test", password: "pw-123456-long" }))?.role, "admin");
    assert.equal(await checkCredentials(t.db, { email: "root@x.test", password: "nope" }), null);
    assert.equal(await checkCredentials(t.db, { email: "ghost@x.test", password: "pw-123456-long" }), null);
    assert.equal(await checkCredentials(t.db, { email: "not-an-email", password: "x" }), null);
    const off = await t.db.user.create({
      data: { email: "off@x.test", name: "Off", role: "analyst", disabled: true, passwordHash: await hashPassword("pw-123456-long") },
    });
    assert.equal(await checkCredentials(t.db, { email: off.email, password: "pw-123456-long" }), null);
  });

  it("upgrades an old hash on the next successful sign-in", async () => {
    const salt = crypto.randomBytes(16);
    const old = (await promisify(crypto.scrypt)("legacy password", salt, 32)) as Buffer;
    const u = await t.db.user.create({
      data: {
        email: "legacy@x.test",
        name: "L",
        role: "analyst",
        passwordHash: ["scrypt", 16384, 8, 1, salt.toString("base64"), old.toString("base64")].join("$"),
      },
    });
    assert.ok(await checkCredentials(t.db, { email: u.email, password: "legacy password" }));
    const after = await t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    assert.match(after.passwordHash, new RegExp(`^scrypt\\$${2 ** 17}\\$`));
    assert.ok(await checkCredentials(t.db, { email: u.email, password: "legacy password" }), "the new hash verifies");
  });

  it("accepts a session cookie only while its server-side session lives, with the role from the database", async () => {
    const s = await sessions.create(adminId);
    // A cookie claiming another role changes nothing: the role is the database's.
    const jar = await cookie(adminId, s.id, { role: "analyst" });
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      const r = await resolvePrincipal({ cookies: { [name]: jar["next-auth.session-token"]! } }, deps);
      assert.ok(r.ok);
      assert.deepEqual([r.principal.userId, r.principal.role, r.principal.via, r.principal.sessionId], [adminId, "admin", "session", s.id]);
    }
    assert.deepEqual(await resolvePrincipal({ cookies: jar }, { ...deps, secret: "another-secret-another-secret-0123" }), {
      ok: false,
      code: "unauthorized",
    });
    assert.deepEqual(await resolvePrincipal({ cookies: await cookie(adminId, "no-such-session") }, deps), {
      ok: false,
      code: "session_ended",
    });
    // Sign-out: the same cookie stops working at once.
    await sessions.revoke(s.id);
    assert.deepEqual(await resolvePrincipal({ cookies: jar }, deps), { ok: false, code: "session_ended" });
  });

  it("ends a session at its expiry, and every session of a user on revokeAll except the one kept", async () => {
    const a = await sessions.create(adminId);
    const b = await sessions.create(adminId);
    clock.set("2026-02-01T00:59:00Z");
    assert.ok((await resolvePrincipal({ cookies: await cookie(adminId, a.id) }, deps)).ok);
    await sessions.revokeAll(adminId, b.id);
    assert.deepEqual(await resolvePrincipal({ cookies: await cookie(adminId, a.id) }, deps), { ok: false, code: "session_ended" });
    assert.ok((await resolvePrincipal({ cookies: await cookie(adminId, b.id) }, deps)).ok);
    clock.set("2026-02-01T01:00:01Z");
    assert.deepEqual(await resolvePrincipal({ cookies: await cookie(adminId, b.id) }, deps), { ok: false, code: "session_expired" });
    clock.set("2026-02-01T00:00:00Z");
  });

  it("reads the role and the disabled flag from the database, and notices a change at once", async () => {
    const u = await t.db.user.create({ data: { email: "demote@x.test", name: "D", role: "admin", passwordHash: "!" } });
    const s = await sessions.create(u.id);
    const jar = await cookie(u.id, s.id);
    assert.equal((await resolvePrincipal({ cookies: jar }, deps)).ok && "admin", "admin");
    await t.db.user.update({ where: { id: u.id }, data: { role: "analyst" } });
    bus.publish({ type: "user.changed", userId: u.id, change: "updated" });
    const r = await resolvePrincipal({ cookies: jar }, deps);
    assert.ok(r.ok && r.principal.role === "analyst");
    await t.db.user.update({ where: { id: u.id }, data: { disabled: true } });
    bus.publish({ type: "user.changed", userId: u.id, change: "updated" });
    assert.deepEqual(await resolvePrincipal({ cookies: jar }, deps), { ok: false, code: "account_disabled" });
  });

  it("stores only a hash of a token, and refuses it on the very next request after revocation", async () => {
    const created = await tokens.create(adminId, { name: "wallboard" }, SYSTEM);
    assert.match(created.token, /^rp_[A-Za-z0-9_-]{43}$/);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    assert.notEqual(row.tokenHash, created.token);
    assert.ok(!JSON.stringify(row).includes(created.token.slice(3)));
    const ok = await resolvePrincipal({ cookies: {}, apiToken: created.token }, deps); // cached now
    assert.ok(ok.ok);
    assert.deepEqual(
      [ok.principal.userId, ok.principal.role, ok.principal.via, ok.principal.tokenId],
      [adminId, "admin", "token", created.id],
    );
    await tokens.revoke(created.id, SYSTEM);
    assert.ok(events.some((e) => e.type === "token.revoked" && e.tokenId === created.id));
    assert.deepEqual(await resolvePrincipal({ cookies: {}, apiToken: created.token }, deps), { ok: false, code: "token_revoked" });
    assert.deepEqual(await resolvePrincipal({ cookies: {}, apiToken: "rp_forged" }, deps), { ok: false, code: "unauthorized" });
    // A token wins over a cookie, even a bad one.
    const s = await sessions.create(adminId);
    assert.equal((await resolvePrincipal({ cookies: await cookie(adminId, s.id), apiToken: "rp_bad" }, deps)).ok, false);
  });

  it("reads API tokens from a Bearer header or ?token=", () => {
    assert.equal(apiTokenFrom("Bearer rp_abc"), "rp_abc");
    assert.equal(apiTokenFrom(null, new URL("http://x/?token=rp_q")), "rp_q");
    assert.equal(apiTokenFrom("Basic xyz"), null);
  });
});

describe("sign-in throttling", () => {
  it("blocks an account after its failures, lets another account in, and clears on success", () => {
    let t = 0;
    const th = createLoginThrottle({ perAccount: 10, perAddress: 100, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 20; i++) th.failed("victim@x.test", "10.0.0.1");
    const v = th.check("VICTIM@x.test", "10.0.0.9");
    assert.equal(v.allowed, false);
    assert.ok(v.retryAfterMs > 0 && v.retryAfterMs <= 60_000);
    assert.equal(th.check("other@x.test", "10.0.0.1").allowed, true, "another account from the same address");
    t = 60_001;
    assert.equal(th.check("victim@x.test", "10.0.0.1").allowed, true, "the window slides");
    for (let i = 0; i < 5; i++) th.failed("x@x.test", "1.1.1.1");
    th.succeeded("x@x.test");
    assert.equal(th.check("x@x.test", "1.1.1.1").allowed, true);
  });

  it("blocks an address trying many accounts", () => {
    const th = createLoginThrottle({ perAccount: 10, perAddress: 30, windowMs: 60_000 });
    for (let i = 0; i < 30; i++) th.failed(`u${i}@x.test`, "6.6.6.6");
    assert.equal(th.check("fresh@x.test", "6.6.6.6").allowed, false);
    assert.equal(th.check("fresh@x.test", "7.7.7.7").allowed, true);
  });
});

describe("redirects and origins", () => {
  const site = "https://risk.example";
  it("keep sign-in redirects on the site", () => {
    for (const evil of [
      "/\\evil.com",
      "/\t/evil.com",
      "//evil.com",
      "https://evil.com",
      "http://risk.example.evil.com/x",
      "javascript:alert(1)",
      "/\\\\evil.com/",
    ]) {
      assert.equal(safeRedirectPath(evil, site), "/dashboard", evil);
    }
    assert.equal(safeRedirectPath("/risks?q=a#top", site), "/risks?q=a#top");
    assert.equal(safeRedirectPath("https://risk.example/admin/quotas", site), "/admin/quotas");
    assert.equal(safeRedirectPath(undefined, site), "/dashboard");
  });

  it("tell same-origin requests from cross-site ones", () => {
    const h = (o: Record<string, string>) => new Headers({ host: "risk.example", ...o });
    assert.equal(isSameOrigin(h({ origin: "https://evil.example" }), site, false), false);
    assert.equal(isSameOrigin(h({ "sec-fetch-site": "cross-site" }), site, false), false);
    assert.equal(isSameOrigin(h({ "sec-fetch-site": "same-site", origin: "https://sub.risk.example" }), site, false), false);
    assert.equal(isSameOrigin(h({ origin: "null" }), site, false), false);
    assert.equal(isSameOrigin(h({ origin: site, "sec-fetch-site": "same-origin" }), site, false), true);
    assert.equal(isSameOrigin(h({ origin: "http://risk.example" }), site, false), true, "the request's own host");
    assert.equal(isSameOrigin(h({}), site, false), true, "not a browser");
  });
});

describe("the session secret file", () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "rp-secret-"));
  it("is created with mode 0600 and reused", () => {
    const d = dir();
    const a = resolveSecret(undefined, d);
    assert.equal(a.source, "generated");
    assert.equal(fs.statSync(path.join(d, ".auth-secret")).mode & 0o777, 0o600);
    assert.deepEqual(resolveSecret(undefined, d), { secret: a.secret, source: "file" });
  });
  it("is refused when others can read it or it is too short", () => {
    const d = dir();
    const f = path.join(d, ".auth-secret");
    fs.writeFileSync(f, "x".repeat(40), { mode: 0o644 });
    fs.chmodSync(f, 0o644);
    assert.throws(
      () => resolveSecret(undefined, d),
      (e: unknown) => e instanceof SecretError && /readable by other users/.test((e as Error).message),
    );
    fs.chmodSync(f, 0o600);
    fs.writeFileSync(f, "short");
    assert.throws(() => resolveSecret(undefined, d), /shorter than 32/);
  });
  it("two first starts at once agree on one secret", async () => {
    const d = dir();
    const { spawn } = await import("node:child_process");
    const start = (into: string) => {
      const script = `const { resolveSecret } = require(${JSON.stringify(path.resolve("lib/auth/secret.ts"))}); process.stdout.write(JSON.stringify(resolveSecret(undefined, ${JSON.stringify(into)})));`;
      return new Promise<{ secret: string; source: string }>((resolve, reject) => {
        const c = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        c.stdout.on("data", (d) => (out += d));
        c.once("exit", (code) =>
          code === 0 ? resolve(JSON.parse(out) as { secret: string; source: string }) : reject(new Error(`exit ${code}`)),
        );
      });
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => start(d)));
    const stored = fs.readFileSync(path.join(d, ".auth-secret"), "utf8").trim();
    assert.ok(stored.length >= MIN_SECRET_LENGTH, `stored secret: ${stored.length} characters`);
    assert.deepEqual(
      results.map((r) => r.secret),
      Array(6).fill(stored),
      "every start uses the one secret in the file",
    );
    assert.deepEqual(
      results.map((r) => r.source).sort(),
      ["file", "file", "file", "file", "file", "generated"],
      "exactly one start created it",
    );
    // Each first start generates its own random secret: another data directory gets another one.
    const elsewhere = await start(dir());
    assert.notEqual(elsewhere.secret, stored);
  });
});
