// DATA_DIR holds the SQLite database and the generated session secret: whoever starts first
// (the secret, the migrator, the database client) creates it, and only the server's user may
// list or enter it (mode 0700), parents it had to create included.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { resolveSecret } from "../../lib/auth/secret";
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe("the data directory", () => {
  const root = () => fs.mkdtempSync(path.join(os.tmpdir(), "rp-datadir-"));

  it("is created with mode 0700 for the session secret", () => {
    const r = root();
    const dir = path.join(r, "var", "data");
    resolveSecret(undefined, dir);
    assert.equal(mode(dir).toString(8), "700");
    assert.equal(mode(path.join(r, "var")).toString(8), "700");
    fs.rmSync(r, { recursive: true, force: true });
  });

  it("is created with mode 0700 by the migrator and the database client", async () => {
    const r = root();
    const viaMigrate = path.join(r, "a", "data");
    await migrate(`file:${path.join(viaMigrate, "riskpulse.db")}`);
    assert.equal(mode(viaMigrate).toString(8), "700");
    const viaClient = path.join(r, "b", "data");
    const db = createDb(`file:${path.join(viaClient, "riskpulse.db")}`);
    await db.$disconnect();
    assert.equal(mode(viaClient).toString(8), "700");
    fs.rmSync(r, { recursive: true, force: true });
  });
});
