// The register as CSV (README "Import and export"): the export's columns, one writer for a row,
// and the import's reading of a file — header names mapped to fields, every row validated with
// the API's own create schema, each problem reported with its line in the file (the header is
// line 1). The export's own format round-trips: computed columns (score, version, …) are ignored
// on the way in, and a row's `id` or `external_id` names the risk it updates.
import { parse } from "csv-parse/sync";
import type { RiskDto } from "./risks";
import { riskCreateSchema } from "./risks";

export const RISK_COLUMNS = [
  "id",
  "external_id",
  "title",
  "description",
  "severity",
  "likelihood",
  "impact",
  "score",
  "status",
  "owner_email",
  "treatment",
  "residual_likelihood",
  "residual_impact",
  "residual_score",
  "next_review_at",
  "last_reviewed_at",
  "category",
  "tags",
  "opened_at",
  "closed_at",
  "version",
] as const;
type Column = (typeof RISK_COLUMNS)[number];

/** Columns the import reads; the others are the export's computed ones, ignored. */
const WRITABLE = new Set<Column>([
  "id",
  "external_id",
  "title",
  "description",
  "severity",
  "likelihood",
  "impact",
  "status",
  "owner_email",
  "treatment",
  "residual_likelihood",
  "residual_impact",
  "next_review_at",
  "category",
  "tags",
]);
const COMPUTED = new Set<string>(RISK_COLUMNS.filter((c) => !WRITABLE.has(c)));
/** Other registers' names for our columns (after lower-casing and turning spaces and dashes into _). */
const ALIASES: Record<string, Column> = {
  name: "title",
  risk: "title",
  risk_title: "title",
  summary: "title",
  details: "description",
  probability: "likelihood",
  consequence: "impact",
  owner: "owner_email",
  owner_mail: "owner_email",
  response: "treatment",
  risk_response: "treatment",
  residual_probability: "residual_likelihood",
  next_review: "next_review_at",
  review_date: "next_review_at",
  labels: "tags",
  tag: "tags",
  ref: "external_id",
  reference: "external_id",
  key: "external_id",
};
const REQUIRED: Column[] = ["title", "severity", "likelihood", "impact"];

export const normaliseHeader = (h: string): string => {
  const k = h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return (RISK_COLUMNS as readonly string[]).includes(k) ? k : (ALIASES[k] ?? k);
};

/** One field of a CSV cell: quoted when it holds a separator, a quote or a line break; formula-leading text defused. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  // A spreadsheet would run =, +, -, @ as a formula (CSV injection); a leading ' keeps it text. Numbers are left alone.
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;
export const RISK_HEADER = csvLine([...RISK_COLUMNS]);

export function riskCsvRow(r: RiskDto): string {
  const v: Record<Column, unknown> = {
    id: r.id,
    external_id: r.external_id,
    title: r.title,
    description: r.description,
    severity: r.severity,
    likelihood: r.likelihood,
    impact: r.impact,
    score: r.score,
    status: r.status,
    owner_email: r.owner?.email ?? null,
    treatment: r.treatment,
    residual_likelihood: r.residual_likelihood,
    residual_impact: r.residual_impact,
    residual_score: r.residual_score,
    next_review_at: r.next_review_at,
    last_reviewed_at: r.last_reviewed_at,
    category: r.category,
    tags: r.tags.join(";"),
    opened_at: r.opened_at,
    closed_at: r.closed_at,
    version: r.version,
  };
  return csvLine(RISK_COLUMNS.map((c) => v[c]));
}

export interface ImportProblem {
  /** The line in the file (the header is line 1). */
  line: number;
  field?: string;
  message: string;
}
/** A valid row: the create body, and what names an existing risk. */
export interface ImportRow {
  line: number;
  id?: number;
  externalId?: string;
  ownerEmail?: string;
  /** Fields named by the file (an update changes only these). */
  present: string[];
  data: ReturnType<typeof riskCreateSchema.parse>;
}
export interface ParsedImport {
  rows: ImportRow[];
  errors: ImportProblem[];
  /** Header names not understood (ignored). */
  ignored_columns: string[];
  total_rows: number;
}

const undoDefuse = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/** Reads a CSV register; nothing here touches the database (owners and ids are checked by the importer). */
export function parseRiskCsv(text: string): ParsedImport {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, message: `not readable as CSV: ${(e as Error).message}` }], ignored_columns: [], total_rows: 0 };
  }
  const [head, ...body] = records;
  if (!head)
    return { rows: [], errors: [{ line: 1, message: "the file is empty: a header line is required" }], ignored_columns: [], total_rows: 0 };
  const names = head.record.map(normaliseHeader);
  const ignored = head.record.filter((_, i) => !WRITABLE.has(names[i] as Column) && !COMPUTED.has(names[i]!));
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length)
    return {
      rows: [],
      errors: [{ line: 1, message: `missing columns: ${missing.join(", ")}` }],
      ignored_columns: ignored,
      total_rows: body.length,
    };

  const rows: ImportRow[] = [];
  const errors: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of body) {
    // csv-parse counts the line a record ends on; a quoted cell with line breaks starts it earlier.
    const line = info.lines - record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
    const cell: Partial<Record<Column, string>> = {};
    names.forEach((n, i) => {
      if (WRITABLE.has(n as Column) && record[i] !== undefined) cell[n as Column] = undoDefuse(record[i]!);
    });
    const present = Object.keys(cell).filter((k) => cell[k as Column] !== "");
    const num = (c: Column) => (cell[c] === undefined || cell[c] === "" ? undefined : Number(cell[c]));
    const nullableNum = (c: Column) => (cell[c] === "" ? null : num(c));
    const body: Record<string, unknown> = {
      title: cell.title,
      description: cell.description || undefined,
      severity: cell.severity?.toLowerCase() || undefined,
      likelihood: num("likelihood"),
      impact: num("impact"),
      status: cell.status?.toLowerCase() || undefined,
      treatment: cell.treatment ? cell.treatment.toLowerCase() : undefined,
      residual_likelihood: nullableNum("residual_likelihood"),
      residual_impact: nullableNum("residual_impact"),
      next_review_at: cell.next_review_at
        ? /^\d{4}-\d{2}-\d{2}$/.test(cell.next_review_at)
          ? `${cell.next_review_at}T00:00:00Z`
          : cell.next_review_at
        : undefined,
      category: cell.category || undefined,
      tags: cell.tags
        ? cell.tags
            .split(/[;|]/)
            .map((t) => t.trim())
            .filter(Boolean)
        : undefined,
    };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const parsed = riskCreateSchema.safeParse(body);
    let ok = parsed.success;
    if (!parsed.success) {
      for (const i of parsed.error.issues) errors.push({ line, field: i.path.join(".") || undefined, message: i.message });
    }
    const id = cell.id ? Number(cell.id) : undefined;
    if (id !== undefined && !(Number.isInteger(id) && id > 0)) {
      errors.push({ line, field: "id", message: "an id is a positive whole number" });
      ok = false;
    }
    const externalId = cell.external_id || undefined;
    if (externalId && externalId.length > 100) {
      errors.push({ line, field: "external_id", message: "at most 100 characters" });
      ok = false;
    }
    const key = externalId ? `x:${externalId}` : id !== undefined ? `i:${id}` : null;
    if (key && seen.has(key)) {
      errors.push({ line, field: externalId ? "external_id" : "id", message: `the same risk as line ${seen.get(key)}` });
      ok = false;
    } else if (key) seen.set(key, line);
    if (ok && parsed.success) rows.push({ line, id, externalId, ownerEmail: cell.owner_email || undefined, present, data: parsed.data });
  }
  return { rows, errors, ignored_columns: ignored, total_rows: body.length };
}
