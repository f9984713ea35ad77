// Settings: validated together at start-up, safe when unset.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../lib/config";

describe("configuration", () => {
  it("reports every bad setting at once, ALERT_RULES included", () => {
    assert.throws(
      () => loadConfig({ ALERT_RULES: "3:panic", PORT: "x", NEXTAUTH_SECRET: "short" }),
      (e: unknown) =>
        e instanceof ConfigError && /ALERT_RULES/.test(e.message) && /PORT/.test(e.message) && /NEXTAUTH_SECRET/.test(e.message),
    );
    assert.deepEqual(loadConfig({ ALERT_RULES: "2:warning, 4:critical" }).ALERT_RULES, [
      { count: 2, severity: "warning" },
      { count: 4, severity: "critical" },
    ]);
  });

  it("runs in production unless development is asked for: no demo data, no test endpoints", () => {
    const c = loadConfig({});
    assert.deepEqual([c.production, c.seedDemo, c.testEndpoints], [true, false, false]);
    const dev = loadConfig({ NODE_ENV: "development" });
    assert.deepEqual([dev.production, dev.seedDemo, dev.testEndpoints], [false, true, true]);
    const demo = loadConfig({ SEED_DEMO: "1" });
    assert.deepEqual([demo.production, demo.seedDemo, demo.seedDemoExplicit], [true, true, true]);
  });

  it("simulates demo traffic in development, or when asked for (npm run demo), never by default in production", () => {
    assert.equal(loadConfig({}).demoTraffic, false);
    assert.equal(loadConfig({ SEED_DEMO: "1" }).demoTraffic, false);
    assert.equal(loadConfig({ SEED_DEMO: "1", DEMO_TRAFFIC: "1" }).demoTraffic, true);
    assert.equal(loadConfig({ NODE_ENV: "development" }).demoTraffic, true);
    assert.equal(loadConfig({ NODE_ENV: "development", DEMO_TRAFFIC: "0" }).demoTraffic, false);
    assert.equal(loadConfig({ NODE_ENV: "development", SEED_DEMO: "0" }).demoTraffic, false);
  });

  it("refuses cluster mode on a SQLite file, saying why", () => {
    assert.throws(() => loadConfig({ REDIS_URL: "redis://localhost:6379" }), /SQLite file belongs to one machine/);
    assert.throws(() => loadConfig({ REDIS_URL: "redis://localhost:6379", DATABASE_URL: "postgres://x@y/z" }), /NEXTAUTH_SECRET/);
    assert.equal(
      loadConfig({ REDIS_URL: "redis://localhost:6379", DATABASE_URL: "postgres://x@y/z", NEXTAUTH_SECRET: "s".repeat(32) }).cluster,
      true,
    );
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    assert.throws(() => loadConfig({ ADMIN_EMAIL: "ops@example.com" }), /set together/);
  });
});
