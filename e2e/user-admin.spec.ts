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
