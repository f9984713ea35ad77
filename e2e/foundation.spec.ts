import type { Page } from "@playwright/test";
import { ADMIN, ANALYST, expect, test } from "./fixtures";

test("an analyst signs in, sees the API's numbers on the dashboard, and creates a risk", async ({ page, signIn }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard/);
  await signIn(page, ANALYST);
  await expect(page.getByTestId("who")).toContainText("analyst");

  const api = await (await page.request.get("/api/v1/dashboard")).json();
  await expect(page.getByTestId("metric-total_risks")).toHaveText(String(api.metrics.total_risks));
  await expect(page.getByTestId("metric-critical_risks")).toHaveText(String(api.metrics.critical_risks));
  await expect(page.getByTestId("metric-average_risk_score")).toHaveText(api.metrics.average_risk_score.toFixed(2));
  await expect(page.getByTestId("metric-mitigation_rate")).toHaveText(`${api.metrics.mitigation_rate.toFixed(1)}%`);
  await expect(page.getByTestId("top-risks").locator("tbody tr")).toHaveCount(10);
  await expect(page.getByTestId("top-risks").locator("tbody tr").first()).toContainText(api.top_risks[0].title);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Risks" }).click();
  await page.getByRole("button", { name: "New risk" }).click();
  const dialog = page.getByRole("dialog", { name: "New risk" });
  await dialog.getByRole("button", { name: "Create risk" }).click();
  await expect(dialog.getByText("title is required")).toBeVisible(); // server-side validation, shown in place

  await dialog.getByLabel("Title").fill("E2E: expired TLS certificate on the status page");
  await dialog.getByLabel("Severity").selectOption("critical");
  await dialog.getByLabel("Likelihood (0–1)").fill("0.95");
  await dialog.getByLabel("Impact (0–1)").fill("0.9");
  await dialog.getByRole("button", { name: "Create risk" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId("risk-list").locator("tr", { hasText: "E2E: expired TLS certificate" });
  await expect(row).toContainText("8.55");
  await expect(page.getByTestId("risk-total")).toContainText(`${api.metrics.total_risks + 1 + (await closedCount(page))} risks`);
});

test("an analyst is kept out of the admin console", async ({ page, signIn }) => {
  await signIn(page, ANALYST);
  await page.goto("/admin/quotas");
  await expect(page).toHaveURL(/\/dashboard\?denied=admin/);
  await expect(page.getByText("That page is for admins only.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Quotas" })).toHaveCount(0);
});

test("an admin signs out and is asked to sign in again", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  await expect(page.getByRole("link", { name: "Quotas" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/login**");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});

async function closedCount(page: Page): Promise<number> {
  const res = await page.request.get("/api/v1/risks?status=closed&page_size=1");
  return (await res.json()).total;
}
