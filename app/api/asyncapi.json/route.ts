// The real-time protocol as AsyncAPI 3, built from lib/contract/ (lib/api-docs/asyncapi.ts).
// Public, like the README that describes the same protocol.
import { asyncApiDocument } from "@/lib/api-docs/asyncapi";
import { getContext } from "@/lib/context";
import { contracted } from "@/lib/http/contract";
import { SYSTEM } from "@/lib/http/contracts";
import { version } from "@/package.json";

export const dynamic = "force-dynamic";

let doc: string | undefined;

export const GET = contracted(SYSTEM.asyncapi, async () => {
  doc ??= JSON.stringify(asyncApiDocument({ version, origin: getContext().config.publicOrigin }));
  return new Response(doc, { headers: { "content-type": "application/json", "cache-control": "no-cache" } });
});
