// /docs/api renders the OpenAPI document in Chromium from the app's own copy of the viewer: under
// the production CSP (the fixture fails the test on any violation in the console) and offline —
// every request that would leave the machine is refused and counted, and there must be none.
import { expect, test } from "./fixtures";

test("the API reference renders the REST API offline, under the CSP", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  await page.route(
    (url) => url.origin !== origin && url.protocol !== "data:" && url.protocol !== "blob:",
    (route) => {
      elsewhere.push(route.request().url());
      return route.abort();
    },
  );
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));

  const res = await page.goto("/docs/api");
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("'strict-dynamic'");
  // The document's title and its operations, rendered by the viewer; a tag opens to its operations.
  await expect(page.getByRole("heading", { name: "RiskPulse API" }).first()).toBeVisible({ timeout: 30_000 });
  const sidebar = page.getByRole("complementary", { name: "Sidebar for RiskPulse API" });
  await expect(sidebar.getByRole("link", { name: /Server-Sent Events: the dashboard channel/ })).toBeVisible();
  await sidebar.getByRole("link", { name: "risks", exact: true }).click();
  await expect(sidebar.getByRole("link", { name: /List risks/ })).toBeVisible();
  await sidebar.getByRole("link", { name: /List risks/ }).click();
  await expect(page.getByText("Filters `status`").or(page.getByText("Filters status")).first()).toBeVisible();

  expect(errors, "uncaught errors on the page").toEqual([]);
  expect(elsewhere, "requests that left the machine").toEqual([]);
});

test("the documents are served as JSON without signing in", async ({ request }) => {
  const openapi = await request.get("/api/openapi.json");
  expect(openapi.status()).toBe(200);
  expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\.1\./);
  const asyncapi = await request.get("/api/asyncapi.json");
  expect(asyncapi.status()).toBe(200);
  expect(((await asyncapi.json()) as { asyncapi: string }).asyncapi).toMatch(/^3\./);
});
