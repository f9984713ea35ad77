// The REST API as OpenAPI 3.1, built from the route contracts (lib/api-docs/openapi.ts); rendered
// at /docs/api. Public, like the README that describes the same routes.
import { openApiDocument } from "@/lib/api-docs/openapi";
import { contracted } from "@/lib/http/contract";
import { SYSTEM } from "@/lib/http/contracts";
import { version } from "@/package.json";

export const dynamic = "force-dynamic";

let doc: string | undefined;

export const GET = contracted(SYSTEM.openapi, async () => {
  doc ??= JSON.stringify(openApiDocument({ version }));
  return new Response(doc, { headers: { "content-type": "application/json", "cache-control": "no-cache" } });
});
