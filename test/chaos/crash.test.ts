// Chaos, crash: kill -9 while 20 clients post commands against a limit of 50. After the restart
// the counters hold every command that was answered 200, and across the crash exactly 50 are
// ever allowed — never 51, however the crash fell between a commit and its answer.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { windowStart } from "../../lib/domain/quota/periods";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { sleep, until } from "../support/socket";

describe("chaos: kill -9 during concurrent commands", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer()));
  after(() => srv?.stop());

  it("keeps every acknowledged command and never allows more than the limit", async () => {
    const admin = await login(srv.url, ADMIN);
    const analyst = { cookie: await login(srv.url, ANALYST) };
    const analystId = (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id;
    // The analyst's own token: a token acts as the user who creates it.
    const token = (await call(srv.url, analyst, "POST", "/api/v1/tokens", { name: "crash" })).body.token;
    await call(srv.url, { cookie: admin }, "PUT", "/api/v1/quotas", {
      user_id: analystId,
      command_type: "crash",
      period: "daily",
      limit: 50,
    });

    const answers = { allowed: 0, refused: 0, failed: 0 };
    let stop = false;
    const poster = async () => {
      while (!stop) {
        const r = await call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: "crash" }).catch(() => null);
        if (r?.status === 200) answers.allowed++;
        else if (r?.status === 429) answers.refused++;
        else {
          answers.failed++;
          await sleep(50); // the server is down: try again shortly
        }
      }
    };
    const posters = Array.from({ length: 20 }, poster);
    try {
      await until(() => answers.allowed >= 20, 60_000, "20 commands allowed");
      await srv.crash();
      await until(() => answers.refused >= 100, 120_000, "100 commands refused after the restart");
    } finally {
      stop = true;
      await Promise.all(posters);
    }

    const db = createDb(srv.databaseUrl);
    try {
      const now = new Date();
      const counter = await db.quotaUsage.findUnique({
        where: {
          userId_commandType_period_windowStart: {
            userId: analystId,
            commandType: "crash",
            period: "daily",
            windowStart: windowStart("daily", now),
          },
        },
      });
      const executions = await db.commandExecution.count({ where: { userId: analystId, commandType: "crash", allowed: true } });
      console.log(
        `CHAOS kill-9 ${JSON.stringify({ posters: 20, answered_200: answers.allowed, answered_429: answers.refused, failed_during_crash: answers.failed, counter: counter?.count, allowed_in_db: executions })}`,
      );
      assert.equal(counter?.count, 50, "the counter stopped at the limit");
      assert.equal(executions, 50, "exactly 50 commands ever allowed");
      assert.ok(answers.allowed <= 50 && answers.allowed >= 20, `${answers.allowed} answered 200, each one stored`);
    } finally {
      await db.$disconnect();
    }
  });
});
