import { importQuerySchema } from "@/lib/domain/risk-transfer";
import { csvBody, query, route } from "@/lib/http/route";
import { TRANSFER } from "@/lib/http/contracts";

export const POST = route(TRANSFER.importRisks, async ({ req, app, actor }) => {
  const { dry_run } = query(req, importQuerySchema);
  return app.transfer.importCsv(await csvBody(req), { dryRun: dry_run }, actor);
});
