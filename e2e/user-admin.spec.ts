// An operator's first day: no demo data, the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, a
// colleague added in the UI, and disabling them ends their open dashboard at once.
import { expect, test } from "./fixtures";

const OWNER = { email: "owner@example.test", password: "correct horse battery staple" };
const NEW_ANALYST = { name: "Nadia Analyst", email: "nadia@example.test", password: "a fresh long passphrase" };

test.use({ serverEnv: { SEED_DEMO: "0", ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password } });

test("the first admin creates an analyst; disabling the analyst ends their live dashboard", async ({ page, browser, baseURL, signIn }) => {
  await signIn(page, OWNER);
  await expect(page.getByTestId("who")).toContainText("admin");
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByTestId("user-list").locator("tbody tr")).toHaveCount(1); // no demo accounts

  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Name").fill(NEW_ANALYST.name);
  await form.getByLabel("E-mail").fill(NEW_ANALYST.email);
  await form.getByLabel("Initial password").fill("nadia12345678"); // contains the name: refused in place
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText(/must not contain your name or e-mail/)).toBeVisible();
  await form.getByLabel("Initial password").fill(NEW_ANALYST.password);
  await form.getByRole("button", { name: "Create user" }).click();
  const row = page.locator(`tr[data-user-email="${NEW_ANALYST.email}"]`);
  await expect(row).toContainText("analyst");
  await expect(row).toContainText("active");

  const analystCtx = await browser.newContext({ baseURL });
  const analyst = await analystCtx.newPage();
  await signIn(analyst, NEW_ANALYST);
  await expect(analyst.getByTestId("connection-status")).toHaveText("Live");
  await expect(analyst.getByRole("link", { name: "Users" })).toHaveCount(0);

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  await expect(analyst.getByTestId("session-ended")).toContainText("Your session has ended", { timeout: 15_000 });
  await expect(analyst.getByTestId("connection-status")).not.toHaveText("Live");
  await expect(analyst.getByTestId("session-ended").getByRole("link", { name: "Sign in again" })).toBeVisible();

  // Signing in again is refused while the account is disabled (with the same answer as a wrong
  // password, so the form does not tell a stranger which accounts exist).
  await analyst.goto("/login");
  await analyst.getByLabel("E-mail").fill(NEW_ANALYST.email);
  await analyst.getByLabel("Password").fill(NEW_ANALYST.password);
  await analyst.getByRole("button", { name: "Sign in" }).click();
  await expect(analyst.getByText("Wrong e-mail or password.")).toBeVisible();
  await expect(analyst).toHaveURL(/\/login/);
  await analystCtx.close();

  // The audit page shows who did it.
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page.getByTestId("audit-list")).toContainText(NEW_ANALYST.email);
  await expect(page.getByTestId("audit-list")).toContainText(OWNER.email);
});

test("an owner's bell counts the mitigation an admin assigned them, and marking read in one tab clears the other", async ({
  page,
  browser,
  baseURL,
  signIn,
}) => {
  const OWNED = { name: "Omar Owner", email: "omar@example.test", password: "another long passphrase" };
  await signIn(page, OWNER);
  const made = await page.request.post("/api/v1/users", { data: { ...OWNED, role: "analyst" } });
  expect(made.status()).toBe(201);
  const ownerId = ((await made.json()) as { id: number }).id;

  const ctx = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } });
  const tab1 = await ctx.newPage();
  await signIn(tab1, OWNED);
  const tab2 = await ctx.newPage();
  await tab2.goto("/mitigations");
  for (const tab of [tab1, tab2]) await expect(tab.getByTestId("bell")).toHaveAccessibleName("Notifications, none unread");

  // The admin assigns a mitigation; both of the owner's tabs count it, live.
  const risk = await page.request.post("/api/v1/risks", {
    data: { title: "Key person leaves", severity: "high", likelihood: 0.4, impact: 0.7 },
  });
  const riskId = ((await risk.json()) as { id: number }).id;
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  expect(
    (
      await page.request.post("/api/v1/mitigations", {
        data: { risk_id: riskId, title: "Write the runbook", due_date: due, owner_id: ownerId },
      })
    ).status(),
  ).toBe(201);
  for (const tab of [tab1, tab2]) {
    await expect(tab.getByTestId("bell-count")).toHaveText("1");
    await expect(tab.getByTestId("bell")).toHaveAccessibleName("Notifications, 1 unread");
  }

  // Tab 1 opens the panel by keyboard: the notification links to its risk; "Mark all read" clears tab 2 too.
  await tab1.getByTestId("bell").focus();
  await tab1.keyboard.press("Enter");
  const panel = tab1.getByRole("region", { name: "Notifications" });
  await expect(panel.getByRole("link", { name: /Write the runbook/ })).toHaveAttribute("href", `/risks/${riskId}`);
  const box = await panel.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  await panel.getByRole("button", { name: "Mark all read" }).click();
  for (const tab of [tab1, tab2]) {
    await expect(tab.getByTestId("bell-count")).toHaveCount(0);
    await expect(tab.getByTestId("bell")).toHaveAccessibleName("Notifications, none unread");
  }
  await tab1.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  await expect(tab1.getByTestId("bell")).toBeFocused();
  // The admin was not told of their own assignment.
  await expect(page.getByTestId("bell")).toHaveAccessibleName("Notifications, none unread");
  await ctx.close();
});
