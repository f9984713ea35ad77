import { ADMIN, ANALYST, expect, test } from "./fixtures";

test("an admin sees a violation and an alert toast as soon as they go over a limit, and acknowledges it", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/quotas");
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  const me = await (await page.request.get("/api/v1/me")).json();
  await page.request.put("/api/v1/quotas", { data: { user_id: me.id, command_type: "deploy", period: "daily", limit: 0 } });

  const feed = page.getByTestId("violation-item");
  for (let i = 0; i < 3; i++) {
    const res = await page.request.post("/api/v1/commands", { data: { command_type: "deploy" } });
    expect(res.status()).toBe(429);
  }
  // Pushed, not fetched: nothing reloads the page. How fast is the benchmark's business (a
  // loaded machine is slow), so the deadlines are generous.
  await expect(feed.first()).toContainText("User exceeded daily deploy quota", { timeout: 15_000 });
  const toast = page.getByTestId("alert-toast");
  await expect(toast).toContainText("Warning: 3 quota violations in a day", { timeout: 15_000 });

  await toast.getByRole("button", { name: "Acknowledge" }).click();
  await expect(toast).toHaveCount(0);
  await expect(page.getByText("No open alerts.")).toBeVisible();
  const open = await (await page.request.get("/api/v1/alerts?status=open")).json();
  expect(open.items.filter((a: { user_id: number }) => a.user_id === me.id)).toHaveLength(0);
});

test("an analyst is refused the quota console and its API", async ({ page, signIn }) => {
  await signIn(page, ANALYST);
  await page.goto("/admin/quotas");
  await expect(page).toHaveURL(/\/dashboard\?denied=admin/);
  expect((await page.request.get("/api/v1/violations")).status()).toBe(403);
  expect((await page.request.get("/api/v1/quotas/stats")).status()).toBe(403);
});

test("an admin adds an alert rule in the console, switches it off and deletes it", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/quotas");
  const form = page.getByRole("form", { name: "Add an alert rule" });
  await form.getByLabel("Kind").selectOption("system");
  await form.getByLabel("Above (%)").fill("150");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByText(/100|too big/i)).toBeVisible(); // refused in place
  await form.getByLabel("Above (%)").fill("95");
  await form.getByLabel("Name").fill("e2e hot server");
  await form.getByLabel("Severity").selectOption("critical");
  await form.getByRole("button", { name: "Add rule" }).click();
  const list = page.getByTestId("alert-rule-list");
  const row = list.locator("tr", { hasText: "e2e hot server" });
  await expect(row).toContainText("CPU above 95 % for 5 min");
  await row.getByRole("checkbox", { name: "Disable e2e hot server" }).click();
  await expect(row.getByRole("checkbox", { name: "Enable e2e hot server" })).not.toBeChecked();
  const rules = await (await page.request.get("/api/v1/alert-rules")).json();
  expect(rules.items.find((r: { name: string }) => r.name === "e2e hot server")).toMatchObject({
    kind: "system",
    enabled: false,
    percent: 95,
  });
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Delete e2e hot server" }).click();
  await expect(row).toHaveCount(0);
});
