// A risk's page: reached from the dashboard, edited in place, its mitigations managed inline,
// and live — a change made elsewhere (its fields, a score point, a mitigation, its deletion) is
// pushed to the page without a reload or any polling, and the dashboard follows.
import { ANALYST, expect, test } from "./fixtures";

test("top risk → detail → edit and add a mitigation; the dashboard's panel and the page follow live", async ({
  page,
  browser,
  baseURL,
  signIn,
}, testInfo) => {
  await signIn(page, ANALYST);
  const top = page.getByTestId("top-risks").locator("tbody tr").first().getByRole("link");
  const title = (await top.textContent())!;
  await top.click();
  await expect(page).toHaveURL(/\/risks\/\d+$/);
  await expect(page.getByTestId("risk-title")).toContainText(title);
  await expect(page.getByTestId("score-chart")).toBeVisible();
  await expect(page.getByRole("table", { name: "Score history" })).toBeAttached(); // the chart's text alternative
  const id = Number(page.url().split("/").at(-1));

  // Edit in place: the score follows.
  await page.getByRole("button", { name: "Edit risk" }).click();
  const dialog = page.getByRole("dialog", { name: `Edit risk ${id}` });
  await dialog.getByLabel("Likelihood (0–1)").fill("0.5");
  await dialog.getByLabel("Impact (0–1)").fill("0.5");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("risk-facts")).toContainText("2.50");

  // A watcher on the dashboard sees the new mitigation in "due soonest" (it is overdue).
  const ctx = await browser.newContext({ baseURL });
  const watcher = await ctx.newPage();
  await signIn(watcher, ANALYST);
  await expect(watcher.getByTestId("connection-status")).toHaveText("Live");

  await page.getByRole("button", { name: "Add mitigation" }).click();
  const add = page.getByRole("dialog", { name: "New mitigation" });
  await add.getByRole("button", { name: "Create mitigation" }).click();
  await expect(add.getByText("title is required")).toBeVisible(); // the server's message, in place
  await add.getByLabel("Title").fill("E2E: rotate the signing keys");
  await add.getByLabel("Due").fill("2020-01-02");
  await add.getByRole("button", { name: "Create mitigation" }).click();
  await expect(add).toBeHidden();
  const row = page.getByTestId("mitigation-list").locator("tr", { hasText: "E2E: rotate the signing keys" });
  await expect(row).toContainText("overdue");
  await expect(watcher.getByTestId("mitigation-progress")).toContainText("E2E: rotate the signing keys");

  // Progress inline, then complete: it leaves the dashboard's open list.
  await row.getByRole("button", { name: /Add 10% progress/ }).click();
  await expect(row).toContainText("10%");
  await row.getByRole("button", { name: /^Complete/ }).click();
  await expect(row).toContainText("completed");
  await expect(watcher.getByTestId("mitigation-progress")).not.toContainText("E2E: rotate the signing keys");

  // Changed elsewhere (over the API): this page shows it without a reload — pushed on the risk's
  // own live channel, with no request of the page's own (no polling, no refetch).
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));
  const fetched: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/api/v1/risks") || path.startsWith("/api/v1/mitigations") || path.startsWith("/api/v1/events")) fetched.push(path);
  });
  const res = await watcher.request.patch(`/api/v1/risks/${id}`, { data: { title: "E2E: renamed elsewhere" } });
  expect(res.status()).toBe(200);
  await expect(page.getByTestId("risk-title")).toContainText("E2E: renamed elsewhere");
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
  const points = await page.getByRole("table", { name: "Score history" }).locator("tbody tr").count();
  expect((await watcher.request.patch(`/api/v1/risks/${id}`, { data: { likelihood: 0.9 } })).status()).toBe(200);
  await expect(page.getByTestId("risk-facts")).toContainText("4.50"); // 10 × 0.9 × 0.5
  await expect(page.getByRole("table", { name: "Score history" }).locator("tbody tr")).toHaveCount(points + 1); // a new point
  const added = await watcher.request.post("/api/v1/mitigations", {
    data: { risk_id: id, title: "E2E: added elsewhere", due_date: "2030-01-01" },
  });
  expect(added.status()).toBe(201);
  await expect(page.getByTestId("mitigation-list")).toContainText("E2E: added elsewhere");
  await page.screenshot({ path: testInfo.outputPath("risk-detail-desktop.png"), fullPage: true });
  await testInfo.attach("risk-detail-desktop", { path: testInfo.outputPath("risk-detail-desktop.png"), contentType: "image/png" });
  expect((await watcher.request.delete(`/api/v1/risks/${id}`)).status()).toBe(204);
  await expect(page.getByRole("alert").filter({ hasText: "This risk was deleted" })).toBeVisible();
  // The acceptance panel re-reads the risk's acceptances once per version the page was pushed
  // (a decision moves the version and changes nothing else the message carries): two edits here,
  // so at most two such reads, and nothing else — no polling, no refetch.
  const acceptanceReads = fetched.filter((p) => p === `/api/v1/risks/${id}/acceptances`);
  expect(acceptanceReads.length, "one acceptance re-read per pushed version at most").toBeLessThanOrEqual(2);
  expect(
    fetched.filter((p) => !acceptanceReads.includes(p)),
    "the risk page made no request of its own: no polling, no refetch",
  ).toEqual([]);

  await ctx.close();
});

test("the mitigations list filters by status and overdue, links to each risk, and creates with validation", async ({ page, signIn }) => {
  await signIn(page, ANALYST);
  await page.getByRole("link", { name: "Mitigations" }).click();
  await expect(page.getByTestId("mitigation-list")).toBeVisible();
  await page.getByLabel("Overdue").selectOption("true");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/overdue=true/);
  const rows = page.getByTestId("mitigation-list").locator("tbody tr");
  await expect(rows.first()).toContainText("overdue");
  expect(await rows.filter({ hasNotText: "overdue" }).count()).toBe(0);

  await page.getByRole("button", { name: "New mitigation" }).click();
  const dialog = page.getByRole("dialog", { name: "New mitigation" });
  await dialog.getByLabel("Risk number").fill("999999");
  await dialog.getByLabel("Title").fill("E2E: for a risk that does not exist");
  await dialog.getByRole("button", { name: "Create mitigation" }).click();
  await expect(dialog.getByText("risk 999999 not found")).toBeVisible(); // next to the field
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await rows
    .first()
    .getByRole("link", { name: /risk #\d+/ })
    .click();
  await expect(page).toHaveURL(/\/risks\/\d+$/);
  await expect(page.getByTestId("mitigation-list")).toBeVisible();
});
