// Import and export of the register (README "Import and export").
import { importQuerySchema, mitigationExportSchema, riskExportSchema } from "../../domain/risk-transfer";
import type { RouteContract } from "../contract";

export const TRANSFER = {
  exportRisks: {
    method: "GET",
    path: "/api/v1/risks/export",
    tag: "risks",
    access: "user",
    summary: "Export the risks (CSV or JSON), streamed",
    description:
      "The list's filters (without paging); `format=csv` (default: the import's own format, one row per risk) or `json` (an array of risks). " +
      "Streamed in pages by id, so the whole register is served without being held in memory.",
    query: riskExportSchema,
    replies: { 200: { description: "the risks", content: "text/csv", alsoJson: "RiskExport" } },
  },
  exportMitigations: {
    method: "GET",
    path: "/api/v1/mitigations/export",
    tag: "mitigations",
    access: "user",
    summary: "Export the mitigations (CSV or JSON), streamed",
    description: "Filters `risk_id`, `owner_id`, `status`; `format=csv` (default) or `json`.",
    query: mitigationExportSchema,
    replies: { 200: { description: "the mitigations", content: "text/csv", alsoJson: "MitigationExport" } },
  },
  importRisks: {
    method: "POST",
    path: "/api/v1/risks/import",
    tag: "risks",
    access: "user",
    summary: "Import risks from CSV",
    description:
      "Header names are mapped (e.g. `name` → title, `probability` → likelihood, `owner` → owner_email); the export's format round-trips. " +
      "`dry_run=1` checks every row and reports problems with their `line` in the file (the header is line 1), writing nothing. " +
      "A real import writes all rows or none (400 `import_invalid` with the same report); rows with an `external_id` (or an exported `id`) update that risk; one audit entry; one dashboard update.",
    query: importQuerySchema,
    csv: true,
    replies: {
      200: { description: "the report: rows created and updated, problems by line", body: "ImportReport" },
      400: { description: "`import_invalid`: the report, as `details`", body: "Error" },
    },
  },
} as const satisfies Record<string, RouteContract>;
