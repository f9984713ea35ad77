import { riskExportSchema } from "@/lib/domain/risk-transfer";
import { query, route, streamed } from "@/lib/http/route";
import { TRANSFER } from "@/lib/http/contracts";

export const GET = route(TRANSFER.exportRisks, async ({ req, app }) => {
  const q = query(req, riskExportSchema);
  return q.format === "csv"
    ? streamed(app.transfer.exportRisks(q), "text/csv; charset=utf-8", "risks.csv")
    : streamed(app.transfer.exportRisks(q), "application/json", "risks.json");
});
