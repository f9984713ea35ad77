// Quotas from the console: one admin sets and deletes a limit, with validation in place; another
// admin's open console shows the change live; the history pages filter what happened. And where
// alerts go: an admin adds a webhook to a receiver this test starts on 127.0.0.1, sends it a test
// event and sees it delivered in the log; e-mail preferences are saved and still there on reload.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "../lib/domain/webhooks/signature";
import { ADMIN, expect, test } from "./fixtures";

// The receiver is on loopback, which the SSRF guard refuses unless allowed.
test.use({ serverEnv: { WEBHOOK_ALLOW_HOSTS: "127.0.0.1", OUTBOX_POLL_MS: "200" } });

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

test("an admin adds a webhook, sends a test event and sees it delivered (2xx) in the log; e-mail preferences persist", async ({
  page,
  context,
  signIn,
}) => {
  const got: { event: string; body: string; signature: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      got.push({ event: String(req.headers["riskpulse-event"]), body, signature: String(req.headers["riskpulse-signature"]) });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/e2e-hook`;
  try {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("URL").fill("http://10.0.0.8/hook");
    await form.getByRole("button", { name: "Add webhook" }).click();
    await expect(form.getByText(/private/)).toBeVisible(); // the SSRF guard's refusal, in place
    await form.getByLabel("URL").fill(url);
    await form.getByLabel("Quota violations").check();
    await form.getByLabel("Format").selectOption("json");
    await form.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Copy secret" }).click();
    await expect(page.getByText("Copied.")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const row = page.locator("tr[data-webhook]").filter({ hasText: url });
    await expect(row.locator(".pill")).toHaveText("on");
    await expect(row).toContainText("alert, violation");
    await row.getByRole("button", { name: /test event/ }).click();
    const log = page.getByTestId("delivery-log");
    await expect(log.locator("tr[data-delivery]")).toHaveCount(1);
    await expect(log.getByTestId("status-code")).toHaveText("200", { timeout: 20_000 });
    await expect(log.locator("tr[data-delivery] .pill")).toHaveText("delivered");
    expect(got.map((g) => g.event)).toEqual(["test"]);
    expect(verify(secret, got[0]!.body, got[0]!.signature, Math.floor(Date.now() / 1000))).toBe(true);
    await log.getByRole("button", { name: /^Resend the test delivery/ }).click();
    await expect.poll(() => got.length, { timeout: 20_000 }).toBe(2);
    await expect(log.locator("tr[data-delivery] td.num").first()).toHaveText("2"); // attempts

    await page.reload();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0); // shown once only
    await row.getByRole("checkbox", { name: `Disable the webhook to ${url}` }).click(); // controlled: it flips once saved
    await expect(row.locator(".pill")).toHaveText("off");
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: `Delete the webhook to ${url}` }).click();
    await expect(row).toHaveCount(0);

    // E-mail preferences on the Account page: saved, and still chosen after a reload.
    await page.goto("/account");
    const prefs = page.getByRole("form", { name: "E-mail preferences" });
    await expect(prefs.getByLabel("Alerts", { exact: true })).toBeChecked(); // an admin's default: every alert
    await prefs.getByLabel("Warning").uncheck();
    await prefs.getByLabel("A risk becomes critical").check();
    await prefs.getByRole("button", { name: "Save e-mail preferences" }).click();
    await expect(prefs.getByText("Saved.")).toBeVisible();
    await page.reload();
    const again = page.getByRole("form", { name: "E-mail preferences" });
    await expect(again.getByLabel("A risk becomes critical")).toBeChecked();
    await expect(again.getByLabel("Warning")).not.toBeChecked();
    await expect(again.getByLabel("Critical", { exact: true })).toBeChecked();
    expect((await (await page.request.get("/api/v1/me/email-preferences")).json()).events.sort()).toEqual(["alert", "risk.critical"]);
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
