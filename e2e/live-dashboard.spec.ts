import { ANALYST, expect, test } from "./fixtures";

test("a risk edited on one page updates another page's dashboard live, without a reload", async ({ browser, baseURL, signIn }) => {
  const ctx = await browser.newContext({ baseURL });
  const editor = await ctx.newPage();
  const watcher = await ctx.newPage();
  await signIn(watcher, ANALYST);
  await expect(watcher.getByTestId("connection-status")).toHaveText("Live");
  await watcher.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));
  const critical = Number(await watcher.getByTestId("metric-critical_risks").textContent());
  // A longer trend: read once, then the live points laid over it.
  const trendReads: string[] = [];
  watcher.on("request", (r) => r.url().includes("trend_days=") && trendReads.push(r.url()));
  await watcher.getByTestId("trend-range").selectOption("90");
  const trendRows = watcher.getByRole("table", { name: "Average open-risk score per day" }).locator("tbody tr");
  await expect(trendRows).toHaveCount(90);
  const before = await trendRows.last().textContent();

  await editor.goto("/risks?severity=low&sort=score&order=asc");
  const row = editor.getByTestId("risk-list").locator("tbody tr").first();
  const title = (await row.locator("td").nth(1).textContent())!;
  await row.getByRole("button", { name: "Edit" }).click();
  const dialog = editor.getByRole("dialog");
  await dialog.getByLabel("Severity").selectOption("critical");
  await dialog.getByLabel("Likelihood (0–1)").fill("1");
  await dialog.getByLabel("Impact (0–1)").fill("1");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  await expect(watcher.getByTestId("metric-critical_risks")).toHaveText(String(critical + 1));
  await expect(watcher.getByTestId("top-risks").locator("tbody tr").first()).toContainText(title);
  const today = (
    (await (await watcher.request.get("/api/v1/dashboard")).json()) as { risk_trends: { date: string; score: number }[] }
  ).risk_trends.at(-1)!;
  await expect(trendRows.last()).toContainText(today.score.toFixed(2)); // today's point, pushed into the 90 days
  expect(await trendRows.last().textContent()).not.toBe(before);
  await expect(trendRows).toHaveCount(90);
  expect(trendReads, "the long range is read once").toHaveLength(1);
  expect(await watcher.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
  await ctx.close();
});

test("the status light shows Reconnecting while the server restarts, then Live again", async ({ page, server, signIn }) => {
  await signIn(page, ANALYST);
  const light = page.getByTestId("connection-status");
  await expect(light).toHaveText("Live");
  const restarting = server.restart();
  await expect(light).toHaveText("Reconnecting…");
  await expect(page.getByRole("button", { name: "Reconnect" })).toBeVisible();
  await restarting;
  await expect(light).toHaveText("Live", { timeout: 30_000 });
  // Still live after the restart: a change made now arrives.
  const total = Number(await page.getByTestId("metric-total_risks").textContent());
  const res = await page.request.post("/api/v1/risks", { data: { title: "After restart", severity: "low", likelihood: 0.1, impact: 0.1 } });
  expect(res.status(), await res.text()).toBe(201);
  await expect(page.getByTestId("metric-total_risks")).toHaveText(String(total + 1));
});
