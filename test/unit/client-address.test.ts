// Where a request came from (X-Forwarded-For behind N proxies, IPv6 per /64), TRUST_PROXY as a
// count, redirects that can never leave the site, the atomic password-check throttle and the
// fairly shared hashing pool.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLoginThrottle } from "../../lib/auth/login-throttle";
import { FairSemaphore, SemaphoreFull } from "../../lib/hashing/semaphore";
import { loadConfig } from "../../lib/config";
import { addressKey, clientAddress, isSecureRequest, normalizeAddress, safeRedirectPath } from "../../lib/http/request-facts";

const xff = (v: string, more: Record<string, string> = {}) => new Headers({ "x-forwarded-for": v, ...more });

describe("client address", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted", () => {
    assert.equal(clientAddress(xff("203.0.113.5"), "127.0.0.1", 0), "127.0.0.1");
    assert.equal(clientAddress(xff("203.0.113.5"), "::ffff:127.0.0.1", false), "127.0.0.1");
    assert.equal(clientAddress(new Headers(), undefined, 0), "unknown");
  });

  it("takes the right-most entry our proxies did not write", () => {
    // One appending proxy: the client's own header first, then the address the proxy saw.
    assert.equal(clientAddress(xff("198.51.100.1, 203.0.113.5"), "127.0.0.1", 1), "203.0.113.5");
    assert.equal(clientAddress(xff("198.51.100.1, 203.0.113.5"), "127.0.0.1", true), "203.0.113.5");
    assert.equal(clientAddress(xff("203.0.113.5"), "127.0.0.1", 1), "203.0.113.5");
    // Two proxies: the outer one's entry, then the inner one's (the outer proxy's address).
    assert.equal(clientAddress(xff("198.51.100.1, 203.0.113.5, 192.0.2.7"), "127.0.0.1", 2), "203.0.113.5");
    // Fewer entries than proxies: the first one is still ours.
    assert.equal(clientAddress(xff("203.0.113.5"), "127.0.0.1", 2), "203.0.113.5");
    // Node's headers object, with the header sent twice (joined in order).
    assert.equal(clientAddress({ "x-forwarded-for": ["198.51.100.1", "203.0.113.5"] } as never, "127.0.0.1", 1), "203.0.113.5");
    // Not an address: a proxy we do not know of wrote it, so the peer is all we know.
    assert.equal(clientAddress(xff("198.51.100.1, garbage"), "127.0.0.1", 1), "127.0.0.1");
  });

  it("reads TLS from the entry our outermost proxy wrote", () => {
    assert.equal(isSecureRequest(new Headers({ "x-forwarded-proto": "https" }), 0), false);
    assert.equal(isSecureRequest(new Headers({ "x-forwarded-proto": "https" }), 1), true);
    assert.equal(isSecureRequest(new Headers({ "x-forwarded-proto": "https, http" }), 1), false, "the client's own claim");
    assert.equal(isSecureRequest(new Headers({ "x-forwarded-proto": "https, http" }), 2), true);
  });

  it("normalizes addresses and keys IPv6 by /64", () => {
    assert.equal(normalizeAddress("[2001:DB8::1]:443"), "2001:db8::1");
    assert.equal(normalizeAddress("203.0.113.5:8080"), "203.0.113.5");
    assert.equal(normalizeAddress("::ffff:203.0.113.5"), "203.0.113.5");
    assert.equal(normalizeAddress("fe80::1%eth0"), "fe80::1");
    assert.equal(normalizeAddress("evil"), null);
    assert.equal(addressKey("203.0.113.5"), "203.0.113.5");
    assert.equal(addressKey("2001:db8:aa:bb::1"), "2001:db8:aa:bb::/64");
    assert.equal(addressKey("2001:db8:aa:bb:ffff:1:2:3"), "2001:db8:aa:bb::/64");
    assert.equal(addressKey("2001:0DB8:00AA:00BB:0:0:0:9"), "2001:db8:aa:bb::/64");
    assert.equal(addressKey("2001:db8::"), "2001:db8:0:0::/64");
    assert.equal(addressKey("::1"), "0:0:0:0::/64");
    assert.equal(addressKey("64:ff9b::203.0.113.5"), "64:ff9b:0:0::/64");
    assert.notEqual(addressKey("2001:db8:aa:bb::1"), addressKey("2001:db8:aa:bc::1"));
  });
});

describe("TRUST_PROXY", () => {
  it("is the number of proxies in front; yes/no still mean 1/0", () => {
    const t = (v?: string) => loadConfig({ TRUST_PROXY: v }).TRUST_PROXY;
    assert.deepEqual([t(), t(""), t("0"), t("false"), t("no"), t("off")], [0, 0, 0, 0, 0, 0]);
    assert.deepEqual([t("1"), t("true"), t("yes"), t("on"), t("2"), t("3")], [1, 1, 1, 1, 2, 3]);
    assert.throws(() => t("maybe"), /TRUST_PROXY/);
    assert.throws(() => t("-1"), /TRUST_PROXY/);
  });
});

describe("redirect targets", () => {
  const site = "https://risk.example";
  it("never come back scheme-relative, whatever dot segments or slashes resolve to", () => {
    for (const evil of [
      "/.//evil.com",
      "/..//evil.com",
      "/%2e//evil.com",
      "/%2E%2E//evil.com",
      "/./\\evil.com",
      "https://risk.example//evil.com",
    ]) {
      const p = safeRedirectPath(evil, site);
      assert.ok(!/^[/\\]{2}/.test(p), `${evil} → ${p}`);
      assert.equal(new URL(p, site).origin, site, `${evil} → ${p}`);
    }
    assert.equal(safeRedirectPath("/.//evil.com", site), "/evil.com");
    assert.equal(safeRedirectPath("/risks/../admin/quotas?x=1", site), "/admin/quotas?x=1");
  });
});

describe("password-check throttle", () => {
  it("reserves a slot before the check: parallel attempts past the limit are refused at once", () => {
    const th = createLoginThrottle({ perAccount: 3, perAddress: 100, windowMs: 60_000 });
    const slots = Array.from({ length: 5 }, () => th.reserve("v@x.test", "a"));
    assert.deepEqual(
      slots.map((s) => s.allowed),
      [true, true, true, false, false],
    );
    assert.ok(slots[4]!.retryAfterMs > 0);
  });

  it("clears the account on success and gives back a slot never used", () => {
    const th = createLoginThrottle({ perAccount: 2, perAddress: 3, windowMs: 60_000 });
    th.reserve("u@x.test", "a");
    th.reserve("u@x.test", "a").succeeded();
    assert.equal(th.check("u@x.test", "b").allowed, true, "the account is cleared");
    th.reserve("w@x.test", "a").cancel();
    th.reserve("z@x.test", "a").cancel();
    assert.equal(th.check("y@x.test", "a").allowed, true, "address: 1 failure kept, the others given back");
  });
});

describe("hashing pool", () => {
  const hold = async (s: FairSemaphore, purpose: string, keys?: string[]) => s.acquire({ purpose, keys });

  it("serves the purposes in turn, each with its own queue limit", async () => {
    const s = new FairSemaphore(1, 2);
    const first = await hold(s, "sign-in");
    const order: string[] = [];
    // Each holder lets go as soon as it is served.
    const serve = (purpose: string, name: string) => hold(s, purpose).then((release) => (order.push(name), release()));
    const q = [serve("sign-in", "sign-in 1"), serve("sign-in", "sign-in 2"), serve("account", "account 1")];
    await assert.rejects(hold(s, "sign-in"), SemaphoreFull, "sign-in's queue is full");
    q.push(serve("account", "account 2"));
    first();
    await Promise.all(q);
    assert.deepEqual(order, ["sign-in 1", "account 1", "sign-in 2", "account 2"]);
    assert.equal(s.active, 0);
  });

  it("lets one key hold at most its share, running or waiting", async () => {
    const s = new FairSemaphore(2, 10, 2);
    const a = [await hold(s, "sign-in", ["addr:a"]), await hold(s, "sign-in", ["addr:a"])];
    await assert.rejects(hold(s, "sign-in", ["addr:a"]), (e: SemaphoreFull) => e.reason === "key");
    const b = hold(s, "sign-in", ["addr:b"]);
    a[0]!();
    (await b)();
    a[1]!();
    assert.equal(s.active, 0);
    (await hold(s, "sign-in", ["addr:a"]))();
  });
});
