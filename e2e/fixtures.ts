import { test as base, expect, type Page } from "@playwright/test";
import { startServer, type TestServer } from "../test/support/server";
import { ADMIN, ANALYST } from "../test/support/http";

export { expect, ADMIN, ANALYST };

export const test = base.extend<
  { signIn: (page: Page, who: { email: string; password: string }) => Promise<void> },
  { server: TestServer; serverEnv: Record<string, string> }
>({
  // A file can start its server differently: test.use({ serverEnv: { SEED_DEMO: "0", … } }).
  serverEnv: [{}, { scope: "worker", option: true }],
  // Every page of every test runs under the production Content-Security-Policy: anything it
  // blocks (a script without the nonce, an eval, a connection elsewhere) fails the test.
  context: async ({ context }, use) => {
    const violations: string[] = [];
    context.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy|Refused to (execute|load|connect|apply|evaluate)/i.test(m.text()))
        violations.push(m.text());
    });
    await use(context);
    expect(violations, "Content-Security-Policy violations in the browser console").toEqual([]);
  },
  server: [
    async ({ serverEnv }, use) => {
      const server = await startServer({ env: serverEnv });
      await use(server);
      await server.stop();
    },
    { scope: "worker", timeout: 90_000 },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  signIn: async ({}, use) => {
    await use(async (page, who) => {
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(who.email);
      await page.getByLabel("Password").fill(who.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL("**/dashboard");
    });
  },
});
