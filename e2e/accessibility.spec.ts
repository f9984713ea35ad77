// Every page, as assistive technology and small screens meet it: axe finds no serious or
// critical violation (dark and light theme), nothing overflows sideways at 390 px (screenshots
// attached), the main flows work by keyboard, and reduced motion stops the animations.
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { ADMIN, expect, test } from "./fixtures";

const PAGES = [
  "/dashboard",
  "/risks",
  "/risks/:first",
  "/risks/import",
  "/mitigations",
  "/admin/acceptances",
  "/admin/quotas",
  "/admin/violations",
  "/admin/alerts",
  "/admin/users",
  "/admin/webhooks",
  "/admin/tokens",
  "/admin/audit",
  "/account",
];

/** Opens a page (":first" is the first risk there is) and waits until it is live. */
async function settled(page: Page, path: string) {
  if (path.includes(":first")) {
    const { items } = (await (await page.request.get("/api/v1/risks?page_size=1")).json()) as { items: { id: number }[] };
    path = path.replace(":first", String(items[0]!.id));
  }
  await page.goto(path);
  await expect(page.locator("main h1").first()).toBeVisible();
  if (path === "/dashboard" || path === "/admin/quotas" || (path.startsWith("/risks/") && path !== "/risks/import"))
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
}

async function scan(page: Page, testInfo: TestInfo, label: string) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) await testInfo.attach(`axe-${label}.json`, { body: JSON.stringify(bad, null, 2), contentType: "application/json" });
  return bad.map(
    (v) =>
      `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")}`,
  );
}

test("no serious or critical accessibility violations on any page, in the dark and the light theme", async ({ page, signIn }, testInfo) => {
  test.setTimeout(180_000); // 14 pages × 2 themes of axe: past 120 s on a loaded 2-core machine
  const found: string[] = [];
  const both = async (label: string) => {
    for (const scheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      found.push(...(await scan(page, testInfo, `${scheme}-${label}`)));
    }
  };
  await page.goto("/login");
  await both("login");
  await signIn(page, ADMIN);
  for (const path of PAGES) {
    await settled(page, path);
    const name = path.slice(1).replaceAll("/", "-").replace(":", "");
    await both(name);
    // Desktop screenshots of every page, attached to the results (the 390 px ones are below).
    await page.screenshot({ path: testInfo.outputPath(`desktop-${name}.png`), fullPage: true });
    await testInfo.attach(`desktop-${name}`, { path: testInfo.outputPath(`desktop-${name}.png`), contentType: "image/png" });
  }
  expect(found).toEqual([]);
});

test("every page fits a 390 px wide phone without sideways scrolling", async ({ browser, baseURL, signIn }, testInfo) => {
  test.setTimeout(120_000);
  const ctx = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await signIn(page, ADMIN);
  const overflowing: string[] = [];
  for (const path of PAGES) {
    await settled(page, path);
    const { scroll, width, culprits } = await page.evaluate(() => {
      const width = window.innerWidth;
      // The outermost elements that stick out (not inside a horizontally scrolling box).
      const culprits = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.parentElement?.closest(".table-scroll, .panel"))
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""}`);
      return { scroll: document.documentElement.scrollWidth, width, culprits };
    });
    if (scroll > width) overflowing.push(`${path}: ${scroll}px > ${width}px (${culprits.join(", ")})`);
    const name = `390px${path.replaceAll("/", "-").replace(":", "")}`;
    await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
    await testInfo.attach(name, { path: testInfo.outputPath(`${name}.png`), contentType: "image/png" });
  }
  expect(overflowing).toEqual([]);
  await ctx.close();
});

test("signing in and reaching a risk work by keyboard alone", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").focus();
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press("Enter");
  await page.waitForURL("**/dashboard");
  const link = page.getByTestId("top-risks").getByRole("link").first();
  const title = (await link.textContent())!;
  for (let i = 0; i < 60 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("risk-title")).toContainText(title);
  // The edit dialog opens, takes focus, and Escape closes it.
  await page.getByRole("button", { name: "Edit risk" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(":focus")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("reduced motion stops the status light's pulse and the feed's flash", async ({ page, signIn }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await signIn(page, ADMIN);
  await page.goto("/admin/quotas");
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  const animations = await page.evaluate(() =>
    [...document.querySelectorAll("*")].map((el) => getComputedStyle(el).animationName).filter((n) => n && n !== "none"),
  );
  expect(animations).toEqual([]);
  await page.emulateMedia({ reducedMotion: "no-preference" });
  const pulse = await page.evaluate(() => {
    const dot = document.createElement("span");
    dot.className = "dot";
    const light = document.createElement("span");
    light.className = "status";
    light.dataset.state = "reconnecting";
    light.append(dot);
    document.body.append(light);
    return getComputedStyle(dot).animationName;
  });
  expect(pulse).toBe("pulse"); // the same element does pulse when motion is welcome
});
