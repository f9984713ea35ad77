// Quotas from the console: one admin sets and deletes a limit, with validation in place; another
// admin's open console shows the change live; the history pages filter what happened.
import { ADMIN, expect, test } from "./fixtures";

test("an admin sets a quota in the console and a second admin's console shows it live", async ({ page, browser, baseURL, signIn }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/quotas");
  const ctx = await browser.newContext({ baseURL });
  const other = await ctx.newPage();
  await signIn(other, ADMIN);
  await other.goto("/admin/quotas");
  await expect(other.getByTestId("connection-status")).toHaveText("Live");
  await expect(other.getByTestId("quota-list")).toBeVisible();

  const form = page.getByRole("form", { name: "Set a quota" });
  await form.getByRole("button", { name: "Set quota" }).click();
  await expect(form.getByText(/command_type|required|invalid/i).first()).toBeVisible(); // refused in place
  await form.getByLabel("For").selectOption({ label: "Ana Analyst" });
  await form.getByLabel("Command type").fill("e2e-deploy");
  await form.getByLabel("Period").selectOption("weekly");
  await form.getByLabel("Limit").fill("-1");
  await form.getByRole("button", { name: "Set quota" }).click();
  await expect(form.getByText(/greater than or equal to 0|>=0|too small/i)).toBeVisible();
  await form.getByLabel("Limit").fill("7");
  await form.getByRole("button", { name: "Set quota" }).click();

  const analystId = (await (await page.request.get("/api/v1/users?q=analyst@riskpulse.local")).json()).items[0].id;
  const row = (p: typeof page) => p.locator(`tr[data-quota="${analystId}:e2e-deploy:weekly"]`);
  await expect(row(page)).toContainText("7");
  await expect(row(other)).toContainText("7"); // live, over quota_change
  await expect(row(other)).toContainText("Ana Analyst");

  page.once("dialog", (d) => void d.accept());
  await row(page)
    .getByRole("button", { name: /Delete weekly e2e-deploy quota/ })
    .click();
  await expect(row(page)).toHaveCount(0);
  await expect(row(other)).toHaveCount(0);
  await ctx.close();
});

test("violation and alert history: filters, paging, and acknowledged alerts with who and when", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  const me = await (await page.request.get("/api/v1/me")).json();
  // A colleague of their own, so the history holds exactly what this test did.
  const stamp = Date.now();
  const user = await (
    await page.request.post("/api/v1/users", {
      data: { name: `Hist ${stamp}`, email: `hist-${stamp}@example.test`, role: "analyst", password: "a long enough passphrase" },
    })
  ).json();
  await page.request.put("/api/v1/quotas", { data: { user_id: user.id, command_type: "e2e-history", period: "daily", limit: 0 } });
  for (let i = 0; i < 3; i++)
    expect((await page.request.post("/api/v1/commands", { data: { command_type: "e2e-history", user_id: user.id } })).status()).toBe(429);

  await page.goto("/admin/quotas");
  await page.getByRole("link", { name: "All violations →" }).click();
  await expect(page).toHaveURL(/\/admin\/violations/);
  await page.getByLabel("User").selectOption(String(user.id));
  await page.getByLabel("Command type").fill("e2e-history");
  await page.getByRole("button", { name: "Apply" }).click();
  const rows = page.getByTestId("violation-history").locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText(user.name);
  await expect(page.getByTestId("violation-total")).toContainText("3 violations");

  await page.getByRole("link", { name: "Alerts" }).click();
  await page.getByLabel("User").selectOption(String(user.id));
  await page.getByLabel("State").selectOption("open");
  await page.getByRole("button", { name: "Apply" }).click();
  const alert = page.getByTestId("alert-history").locator("tbody tr");
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText("warning");
  await alert.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByText("No alerts match these filters.")).toBeVisible(); // it left the open list

  await page.getByLabel("State").selectOption("acknowledged");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("alert-history").locator("tbody tr").first()).toContainText(`by ${me.name}`);
});
