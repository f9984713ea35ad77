import { ADMIN, ANALYST, expect, test } from "./fixtures";

test("with WebSocket blocked the page goes live over SSE, then polling, and climbs back to WebSocket", async ({ page, signIn }) => {
  // Shorter climb-back and poll periods than the defaults (60 s, 30 s), through the documented override.
  await page.addInitScript(() =>
    localStorage.setItem("riskpulse.live", JSON.stringify({ upgradeInterval: 3000, pollInterval: 1000, connectTimeout: 2000 })),
  );
  let wsBlocked = true;
  await page.routeWebSocket(/\/socket\.io\//, (ws) =>
    wsBlocked ? ws.close({ code: 1008, reason: "blocked by test" }) : ws.connectToServer(),
  );
  const light = page.getByTestId("connection-status");
  const total = page.getByTestId("metric-total_risks");
  const addRisk = (title: string) => page.request.post("/api/v1/risks", { data: { title, severity: "low", likelihood: 0.1, impact: 0.1 } });

  await signIn(page, ANALYST);
  const loaded = Date.now();
  await expect(light).toHaveText("Live (SSE)", { timeout: 15_000 });
  console.log(`SSE live ${Date.now() - loaded} ms after the page loaded with WebSocket blocked`);
  let n = Number(await total.textContent());
  await addRisk("Over SSE");
  await expect(total).toHaveText(String(++n));

  await page.route("**/api/v1/sse/**", (route) => route.abort());
  await page.reload();
  await expect(light).toHaveText("Polling", { timeout: 15_000 });
  await addRisk("Over polling");
  await expect(total).toHaveText(String(++n));

  wsBlocked = false;
  await page.unroute("**/api/v1/sse/**");
  await expect(light).toHaveText("Live", { timeout: 10_000 });
  await addRisk("Back on WebSocket");
  await expect(total).toHaveText(String(++n));
});

test("the quota console, fallen back before WebSocket ever connected, misses nothing when it climbs back", async ({ page, signIn }) => {
  // Polling every 30 s (the default): only the climb-back can deliver the violation in time.
  await page.addInitScript(() =>
    localStorage.setItem("riskpulse.live", JSON.stringify({ upgradeInterval: 3000, pollInterval: 30_000, connectTimeout: 2000 })),
  );
  let wsBlocked = true;
  await page.routeWebSocket(/\/socket\.io\//, (ws) =>
    wsBlocked ? ws.close({ code: 1008, reason: "blocked by test" }) : ws.connectToServer(),
  );
  await page.route("**/api/v1/sse/**", (route) => route.abort());
  await signIn(page, ADMIN);
  await page.goto("/admin/quotas");
  const light = page.getByTestId("connection-status");
  await expect(light).toHaveText("Polling", { timeout: 20_000 });
  const me = await (await page.request.get("/api/v1/me")).json();
  await page.request.put("/api/v1/quotas", { data: { user_id: me.id, command_type: "climb", period: "daily", limit: 0 } });
  expect((await page.request.post("/api/v1/commands", { data: { command_type: "climb" } })).status()).toBe(429);

  wsBlocked = false;
  await expect(light).toHaveText("Live", { timeout: 10_000 });
  await expect(page.getByTestId("violation-item").filter({ hasText: "daily climb quota" })).toHaveCount(1, { timeout: 5000 });
});
