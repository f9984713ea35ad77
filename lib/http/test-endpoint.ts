// The /api/ws/test-* endpoints: admins only, and switched off in production unless
// ENABLE_TEST_ENDPOINTS=1 (then they answer 404, as if they did not exist).
import type { RouteContract } from "./contract";
import { HttpError } from "./errors";
import { route, type RouteCtx } from "./route";

export function testEndpoint(
  contract: RouteContract & { testOnly: true },
  fn: (ctx: RouteCtx<Record<string, string | string[]>>) => Promise<unknown>,
) {
  return route(contract, async (ctx) => {
    if (!ctx.app.config.testEndpoints) throw new HttpError(404, "not found", undefined, undefined, "not_found");
    return fn(ctx);
  });
}
