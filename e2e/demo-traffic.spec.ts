// A newcomer's first minute with `npm run demo`: nobody touches anything, yet the dashboard
// patches, violations arrive and an alert toast pops, and a badge says it is simulated.
import { ADMIN, expect, test } from "./fixtures";

test.use({ serverEnv: { DEMO_TRAFFIC: "1" } });

test("demo traffic makes both live pages move within the first minute, and says it is simulated", async ({ page, signIn }) => {
  test.setTimeout(90_000);
  let patches = 0;
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) => typeof f.payload === "string" && f.payload.includes('"dashboard_patch"') && patches++),
  );
  await signIn(page, ADMIN);
  await expect(page.getByTestId("demo-traffic")).toHaveText("demo traffic");
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  await expect.poll(() => patches, { timeout: 15_000, message: "a dashboard patch from simulated edits" }).toBeGreaterThan(0);

  await page.getByRole("link", { name: "Quotas" }).click();
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  await expect(page.getByTestId("violation-feed").or(page.getByText("No violations yet."))).toBeVisible(); // the history has loaded
  const newest = () =>
    page
      .getByTestId("violation-item")
      .first()
      .getAttribute("data-violation-id", { timeout: 1000 })
      .catch(() => null);
  const before = await newest();
  await expect.poll(newest, { timeout: 45_000, message: "a new violation at the top of the feed" }).not.toBe(before);
  await expect(page.getByTestId("alert-toast").first()).toBeVisible({ timeout: 45_000 });
});
