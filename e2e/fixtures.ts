import { test as base, expect, type Page } from "@playwright/test";
import { startServer, type TestServer } from "../test/support/server";
import { ADMIN, ANALYST } from "../test/support/http";

export { expect, ADMIN, ANALYST };

export const test = base.extend<
  { signIn: (page: Page, who: { email: string; password: string }) => Promise<void> },
  { server: TestServer }
>({
  server: [
    async ({}, use) => {
      const server = await startServer();
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
