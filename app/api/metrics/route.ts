// Prometheus metrics in the text exposition format: for a scraper with METRICS_TOKEN (Bearer),
// or an admin. Each instance serves its own.
import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import { getContext } from "@/lib/context";
import { errorJson } from "@/lib/http/errors";
import { authenticate } from "@/lib/http/route";
import { contracted } from "@/lib/http/contract";
import { SYSTEM } from "@/lib/http/contracts";

export const dynamic = "force-dynamic";

const same = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const GET = contracted(SYSTEM.metrics, async (req: NextRequest) => {
  const app = getContext();
  const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const scraper = !!app.config.METRICS_TOKEN && !!bearer && same(bearer, app.config.METRICS_TOKEN);
  if (!scraper) {
    const auth = await authenticate(req, app).catch(() => null);
    if (!auth?.ok)
      return errorJson(401, "authentication required: METRICS_TOKEN as Bearer, or an admin", {
        code: "unauthorized",
        headers: { "www-authenticate": 'Bearer realm="riskpulse-metrics"' },
      });
    if (auth.principal.role !== "admin") return errorJson(403, "forbidden: admin role required", { code: "forbidden" });
  }
  return new Response(await app.metrics.registry.metrics(), {
    headers: { "content-type": app.metrics.registry.contentType, "cache-control": "no-store" },
  });
});
