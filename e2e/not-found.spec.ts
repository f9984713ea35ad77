// A stale link: a risk deleted while its link sat on the risks list. Following it shows the
// not-found page inside the console (header and navigation kept) with the way back, and that page,
// like a URL nothing serves, has no serious accessibility violation.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { ADMIN, expect, test } from "./fixtures";

async function axeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("a link to a risk deleted meanwhile leads to the not-found page, with the way back to the risks", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post("/api/v1/risks", {
    data: { title: "E2E: deleted while linked", severity: "low", likelihood: 0.1, impact: 0.1 },
  });
  expect(made.status()).toBe(201);
  const { id } = (await made.json()) as { id: number };

  await page.goto("/risks?q=E2E%3A%20deleted%20while%20linked");
  const link = page.getByRole("link", { name: "E2E: deleted while linked" });
  await expect(link).toBeVisible();
  expect((await page.request.delete(`/api/v1/risks/${id}`)).ok()).toBe(true);

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/risks/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Risk not found" })).toBeVisible();
  // Inside the console: its navigation is still there.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Risks" })).toBeVisible();
  // A full load of the stale address answers 404 (a client-side navigation fetches no document).
  const reload = await page.reload();
  expect(reload?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Risk not found" })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole("link", { name: "Back to the risks" }).click();
  await expect(page).toHaveURL(/\/risks$/);
  await expect(page.locator("main h1").first()).toBeVisible();
});

test("a URL nothing serves shows the not-found page under the console's header", async ({ page, signIn }) => {
  await signIn(page, ADMIN);
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});
