import { mitigationExportSchema } from "@/lib/domain/risk-transfer";
import { query, route, streamed } from "@/lib/http/route";
import { TRANSFER } from "@/lib/http/contracts";

export const GET = route(TRANSFER.exportMitigations, async ({ req, app }) => {
  const q = query(req, mitigationExportSchema);
  return q.format === "csv"
    ? streamed(app.transfer.exportMitigations(q), "text/csv; charset=utf-8", "mitigations.csv")
    : streamed(app.transfer.exportMitigations(q), "application/json", "mitigations.json");
});
