// @riskpulse/client in Chromium, outside the Next app: a React app built with esbuild from the
// package's dist/ uses the seed's hooks (useDashboardWithWebSocket, useWebSocketStatus), and the
// plain HTML example (examples/wallboard.html) runs with the self-contained browser bundle. Both
// are served on the server's origin (page.route), so the signed-in session cookie authenticates.
import fs from "node:fs";
import { build } from "esbuild";
import type { Page } from "@playwright/test";
import { ADMIN, expect, test } from "./fixtures";
import { call, login } from "../test/support/http";
import config from "../playwright.config";

// A page fulfilled by page.route has no address of its own, so Chromium's Local Network Access
// checks treat it as public and block its WebSocket to 127.0.0.1 (a real deployment serves the
// page from the server: same address). Off for these pages only.
const launch = config.use!.launchOptions!;
test.use({ launchOptions: { ...launch, args: [...(launch.args ?? []), "--disable-features=LocalNetworkAccessChecks"] } });

const html = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sdk</title></head><body>${body}</body></html>`;

async function serveSdkPages(page: Page) {
  const app = await build({
    entryPoints: ["e2e/sdk/hooks-page.tsx"],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    jsx: "automatic",
    // The package as a user gets it: through node_modules and its exports (no repository paths).
    tsconfig: "packages/client/tsconfig.json",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  const files: Record<string, [string, string]> = {
    "hooks.html": ["text/html", html('<div id="root"></div><script type="module" src="/sdk-test/hooks.js"></script>')],
    "hooks.js": ["text/javascript", app.outputFiles[0]!.text],
    "wallboard.html": ["text/html", fs.readFileSync("examples/wallboard.html", "utf8")],
    "riskpulse-client.browser.js": ["text/javascript", fs.readFileSync("packages/client/dist/riskpulse-client.browser.js", "utf8")],
  };
  await page.route("**/sdk-test/*", (route) => {
    const name = new URL(route.request().url()).pathname.split("/").pop()!;
    const file = files[name];
    return file ? route.fulfill({ contentType: file[0], body: file[1] }) : route.fulfill({ status: 404 });
  });
}

const state = async (page: Page, id = "state") => JSON.parse((await page.locator(`#${id}`).textContent()) ?? "null");

test("the SDK's React hooks, in a React app outside Next, follow the dashboard live", async ({ page, signIn, server }) => {
  await signIn(page, ADMIN);
  await serveSdkPages(page);
  const total = async () => (await call(server.url, { cookie }, "GET", "/api/v1/dashboard")).body.metrics.total_risks as number;
  const cookie = await login(server.url, ADMIN);

  await page.goto("/sdk-test/hooks.html");
  await expect
    .poll(() => state(page))
    .toMatchObject({ loading: false, connected: true, reconnecting: false, source: "websocket", total: await total() });
  await expect.poll(() => state(page, "status")).toEqual({ connected: true, reconnecting: false, error: null, isHealthy: true });

  const created = await call(server.url, { cookie }, "POST", "/api/v1/risks", {
    title: "From the SDK test",
    severity: "critical",
    likelihood: 0.9,
    impact: 0.9,
  });
  expect(created.status).toBe(201);
  await expect.poll(() => state(page)).toMatchObject({ source: "websocket", total: await total() });

  // useDashboardWithWebSocket(false): the same shape, over polling.
  await page.goto("/sdk-test/hooks.html?poll");
  await expect.poll(() => state(page)).toMatchObject({ loading: false, connected: true, source: "polling", total: await total() });
});

test("examples/wallboard.html shows the live figures with the browser bundle", async ({ page, signIn, server }) => {
  await signIn(page, ADMIN);
  await serveSdkPages(page);
  const cookie = await login(server.url, ADMIN);
  const figures = async () => (await call(server.url, { cookie }, "GET", "/api/v1/dashboard")).body.metrics;

  await page.goto("/sdk-test/wallboard.html");
  await expect(page.locator("#status")).toHaveText("live via websocket");
  await expect(page.locator("#total_risks")).toHaveText(String((await figures()).total_risks));
  const created = await call(server.url, { cookie }, "POST", "/api/v1/risks", {
    title: "On the wallboard",
    severity: "high",
    likelihood: 0.5,
    impact: 0.8,
  });
  expect(created.status).toBe(201);
  await expect(page.locator("#total_risks")).toHaveText(String((await figures()).total_risks));
});
