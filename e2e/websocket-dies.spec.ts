// A browser whose live WebSocket dies mid-session (the server is killed with -9): the page says
// it is reconnecting and marks its data stale, comes back live by itself when the server is back,
// and shows a change made in the database while the server was down.
import Database from "better-sqlite3";
import { sqlitePath } from "../lib/db/url";
import { ANALYST, expect, test } from "./fixtures";

test("the live WebSocket dies: Reconnecting and stale, then live again by itself with what changed meanwhile", async ({
  page,
  signIn,
  server,
}) => {
  test.skip(!server.databaseUrl.startsWith("file:"), "changes the SQLite file directly while the server is down");
  test.setTimeout(120_000);
  // Climb back to WebSocket quickly if the outage made the page fall back (the default is 60 s).
  await page.addInitScript(() => localStorage.setItem("riskpulse.live", JSON.stringify({ upgradeInterval: 3000, connectTimeout: 2000 })));
  await signIn(page, ANALYST);
  const light = page.getByTestId("connection-status");
  const freshness = page.getByTestId("freshness");
  const topRisks = page.getByTestId("top-risks");
  await expect(light).toHaveText("Live");
  const snap = (await (await page.request.get("/api/v1/dashboard")).json()) as { top_risks: { id: number; title: string }[] };
  const top = snap.top_risks[0]!;
  await expect(topRisks).toContainText(top.title);

  const exited = new Promise((r) => server.proc.once("exit", r));
  server.proc.kill("SIGKILL");
  await exited;
  const killed = Date.now();
  await expect(light).toHaveText(/Reconnecting…|Offline/, { timeout: 15_000 });
  await expect(freshness).toHaveAttribute("data-stale", "true");
  await expect(freshness).toContainText("Stale");

  // While the server is down: the top risk is renamed in the database itself.
  const title = `Renamed while the server was down ${Date.now()}`;
  const db = new Database(sqlitePath(server.databaseUrl));
  try {
    db.prepare(`UPDATE "Risk" SET "title" = ? WHERE "id" = ?`).run(title, top.id);
  } finally {
    db.close();
  }
  await expect(topRisks).not.toContainText(title);

  await server.launch();
  await expect(light).toHaveText("Live", { timeout: 60_000 });
  console.log(`live again ${Date.now() - killed} ms after kill -9 (including the server's restart)`);
  await expect(topRisks).toContainText(title, { timeout: 15_000 });
  await expect(freshness).not.toHaveAttribute("data-stale", "true");

  // And it is live, not a one-off reload: a change made now arrives too.
  const total = page.getByTestId("metric-total_risks");
  const n = Number(await total.textContent());
  const made = await page.request.post("/api/v1/risks", {
    data: { title: "After the comeback", severity: "low", likelihood: 0.1, impact: 0.1 },
  });
  expect(made.status()).toBe(201);
  await expect(total).toHaveText(String(n + 1));
});
