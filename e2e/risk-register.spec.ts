// The register as a risk team uses it: the dashboard's heat map updates live when another user
// adds a risk, a cell leads (by keyboard) to the filtered list, and two people editing one risk
// see the conflict and resolve it without losing either change.
import AxeBuilder from "@axe-core/playwright";
import { ADMIN, ANALYST, expect, test } from "./fixtures";

function register(rows: number, bad: number[]): string {
  const lines = ["external_id,title,severity,likelihood,impact,treatment"];
  for (let i = 1; i <= rows; i++) lines.push(`E2E-${i},E2E imported ${i},${bad.includes(i) ? "severe" : "medium"},0.3,0.3,mitigate`);
  return lines.join("\n");
}

test("import a 200-row CSV: the dry run shows the 2 bad rows by line, the fixed file imports", async ({ page, signIn }) => {
  await signIn(page, ANALYST);
  await page.goto("/risks");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page).toHaveURL(/\/risks\/import$/);
  const upload = (text: string) =>
    page.getByLabel("CSV file").setInputFiles({ name: "register.csv", mimeType: "text/csv", buffer: Buffer.from(text) });

  await upload(register(200, [40, 120]));
  await page.getByRole("button", { name: "Check file" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors.locator("tbody tr")).toHaveCount(2);
  await expect(errors.locator("tbody tr").nth(0)).toContainText("41"); // row 40 is line 41: the header is line 1
  await expect(errors.locator("tbody tr").nth(1)).toContainText("121");
  await expect(page.getByRole("button", { name: /^Import \d+ rows/ })).toHaveCount(0);

  await upload(register(200, []));
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByTestId("import-report")).toContainText("200 to create");
  await page.getByRole("button", { name: "Import 200 rows" }).click();
  await expect(page.getByTestId("import-done")).toContainText("200 created");
  const list = await page.request.get("/api/v1/risks?q=E2E imported&page_size=1");
  expect(((await list.json()) as { total: number }).total).toBe(200);
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(" ")).join(", ")}`)).toEqual([]);
});

test("live heat map → filtered list; two editors resolve an edit conflict without loss", async ({ page, browser, baseURL, signIn }) => {
  await signIn(page, ANALYST);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  const heat = page.getByTestId("heat-map");
  const top = heat.locator('[data-cell="5-5"] a');
  const before = Number(await top.textContent());

  // Another user adds a very likely, very severe risk: the cell counts it without a reload.
  const ctx = await browser.newContext({ baseURL });
  const other = await ctx.newPage();
  await signIn(other, ADMIN);
  const created = await other.request.post("/api/v1/risks", {
    data: { title: "E2E heat-map risk", severity: "critical", likelihood: 0.97, impact: 0.96, treatment: "mitigate", tags: ["e2e"] },
  });
  expect(created.status()).toBe(201);
  const risk = (await created.json()) as { id: number; version: number };
  await expect(top).toHaveText(String(before + 1));
  await expect(page.getByRole("table", { name: /Open risks by inherent likelihood/ })).toBeAttached(); // the text alternative

  const axe = await new AxeBuilder({ page }).include('[data-testid="heat-map"]').withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  // The residual view is a toggle; the keyboard reaches a cell and opens the filtered list.
  await heat.getByRole("button", { name: "Residual" }).click();
  await expect(heat).toHaveAttribute("data-view", "residual");
  await heat.getByRole("button", { name: "Inherent" }).click();
  await top.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/likelihood_band=5&impact_band=5/);
  await expect(page.getByTestId("cell-filter")).toBeVisible();
  await expect(page.getByTestId("risk-list")).toContainText("E2E heat-map risk");

  // Both open the edit form; the admin saves first, the analyst's save meets the conflict.
  await page.goto(`/risks/${risk.id}`);
  await other.goto(`/risks/${risk.id}`);
  await page.getByRole("button", { name: "Edit risk" }).click();
  await other.getByRole("button", { name: "Edit risk" }).click();
  const mine = page.getByRole("dialog", { name: `Edit risk ${risk.id}` });
  const theirs = other.getByRole("dialog", { name: `Edit risk ${risk.id}` });
  await theirs.getByLabel("Title").fill("E2E: renamed by the admin");
  await theirs.getByRole("button", { name: "Save" }).click();
  await expect(theirs).toBeHidden();

  await mine.getByLabel("Category").fill("Operations");
  await mine.getByRole("button", { name: "Save" }).click();
  const conflict = mine.getByTestId("edit-conflict");
  await expect(conflict).toBeVisible();
  // The title the admin saved is offered (preselected: this user did not touch it); the category is this user's.
  const title = conflict.locator('fieldset[data-field="title"]');
  await expect(title).toContainText("E2E heat-map risk");
  await expect(title).toContainText("E2E: renamed by the admin");
  await expect(title.getByRole("radio", { name: /Saved by someone else/ })).toBeChecked();
  await expect(conflict.locator('fieldset[data-field="category"]').getByRole("radio", { name: /Yours/ })).toBeChecked();
  await conflict.getByRole("button", { name: "Save these values" }).click();
  await expect(mine).toBeHidden();

  // Graded by the API: both changes are kept.
  const final = (await (await other.request.get(`/api/v1/risks/${risk.id}`)).json()) as {
    title: string;
    category: string;
    version: number;
  };
  expect(final.title).toBe("E2E: renamed by the admin");
  expect(final.category).toBe("Operations");
  expect(final.version).toBe(risk.version + 2);
  await expect(page.getByTestId("risk-facts")).toContainText("Operations");
  await ctx.close();
});

test("four-eyes acceptance: the analyst asks, the admin approves elsewhere; My work shows a newly assigned risk live", async ({
  page,
  browser,
  baseURL,
  signIn,
}) => {
  // The demo's sign-in page names its accounts.
  await page.goto("/login");
  await expect(page.getByTestId("demo-accounts")).toContainText(ANALYST.email);
  await signIn(page, ANALYST);
  const created = await page.request.post("/api/v1/risks", {
    data: { title: "E2E accept me", severity: "low", likelihood: 0.1, impact: 0.2 },
  });
  const risk = (await created.json()) as { id: number };
  await page.goto(`/risks/${risk.id}`);
  const panel = page.getByTestId("acceptance-panel");
  await panel.getByRole("button", { name: "Request acceptance" }).click();
  await panel.getByLabel("Justification").fill("Cheaper to live with than to fix");
  await panel.getByRole("button", { name: "Send request" }).click();
  await expect(panel.getByTestId("acceptance-status")).toHaveText("pending");

  // The admin, in a browser of their own, approves it from the queue by keyboard.
  const ctx = await browser.newContext({ baseURL });
  const admin = await ctx.newPage();
  await signIn(admin, ADMIN);
  await admin.getByRole("link", { name: "Acceptances" }).click();
  const item = admin.getByTestId("pending-acceptances").locator("li", { hasText: "E2E accept me" });
  await item.getByLabel("Note").fill("Fine until the next review");
  await item.getByRole("button", { name: "Approve" }).focus();
  await admin.keyboard.press("Enter");
  await expect(admin.getByTestId("pending-acceptances").locator("li", { hasText: "E2E accept me" })).toHaveCount(0);
  await expect(panel.getByTestId("acceptance-status")).toHaveText("approved");
  await expect(page.getByTestId("risk-facts")).toContainText("accept");

  // My work: the admin makes the analyst the owner of another risk; it shows without a reload.
  await page.getByRole("link", { name: "My work" }).click();
  await expect(page.getByRole("heading", { name: "My work", level: 1 })).toBeVisible();
  const me = (await (await page.request.get("/api/v1/me")).json()) as { id: number };
  const other = (await (
    await admin.request.post("/api/v1/risks", { data: { title: "E2E assigned later", severity: "high", likelihood: 0.5, impact: 0.5 } })
  ).json()) as { id: number };
  await expect(page.getByTestId("my-risks")).not.toContainText("E2E assigned later");
  expect((await admin.request.patch(`/api/v1/risks/${other.id}`, { data: { owner_id: me.id } })).status()).toBe(200);
  await expect(page.getByTestId("my-risks")).toContainText("E2E assigned later");
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(" ")).join(", ")}`)).toEqual([]);
  await ctx.close();
});
