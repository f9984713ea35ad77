// A browser on the dashboard through the shipped nginx config (TLS) in front of two instances on
// PostgreSQL and Redis: when the instance holding its live connection is killed, the page goes
// live again on the other one and updates keep flowing — no sticky sessions involved.
import { test, expect } from "@playwright/test";
import { startCluster, type TestCluster } from "../test/support/cluster";
import { ADMIN } from "../test/support/http";
import { startNginx, type TestNginx } from "../test/support/nginx";
import { freePort } from "../test/support/server";

test.skip(process.env.TEST_POSTGRES === "0", "cluster mode needs PostgreSQL");

let cluster: TestCluster;
let nginx: TestNginx;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const port = await freePort();
  cluster = await startCluster(2, { env: { TRUST_PROXY: "1", NEXTAUTH_URL: `https://localhost:${port}`, DASHBOARD_COALESCE_MS: "20" } });
  nginx = await startNginx(
    cluster.nodes.map((n) => n.port),
    port,
  );
});
test.afterAll(async () => {
  await nginx?.stop();
  await cluster?.stop();
});

test("through nginx, the dashboard stays live when the instance holding its connection dies", async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: nginx.https, ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard");
  const cookies = await ctx.cookies();
  expect(cookies.find((c) => c.name === "__Secure-next-auth.session-token")?.secure, "secure cookie behind TLS").toBe(true);
  const light = page.getByTestId("connection-status");
  await expect(light).toHaveText("Live");

  // Which instance holds the page's socket? (Presence records are refreshed every 2 s.)
  let holder = "";
  await expect
    .poll(async () => {
      const view = (await (await page.request.get("/api/v1/ws/stats")).json()) as {
        cluster: { instances: { id: string; clients: Record<string, number> }[] };
      };
      holder = view.cluster.instances.find((i) => (i.clients["/dashboard"] ?? 0) > 0)?.id ?? "";
      return holder;
    })
    .not.toBe("");
  const victim = cluster.nodes.find((_, i) => holder === `node-${String.fromCharCode(97 + i)}`)!;
  const killed = Date.now();
  victim.proc.kill("SIGKILL");

  await expect(light).toHaveText("Live", { timeout: 15_000 });
  const total = page.getByTestId("metric-total_risks");
  await expect(async () => {
    const n = Number(await total.textContent());
    const res = await page.request.post("/api/v1/risks", {
      data: { title: `After losing ${holder}`, severity: "low", likelihood: 0.1, impact: 0.1 },
    });
    expect(res.status()).toBe(201);
    await expect(total).toHaveText(String(n + 1), { timeout: 3000 });
  }).toPass({ timeout: 20_000 });
  console.log(`live again on the other instance ${Date.now() - killed} ms after kill -9 of ${holder}`);
  await victim.launch();
  await ctx.close();
});
