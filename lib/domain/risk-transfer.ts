// Export and import of the register (README "Import and export"). The export streams: rows are
// read in pages of EXPORT_PAGE by id (a keyset cursor, never an offset), each page written and
// dropped before the next is read, so 100,000 risks never sit in memory together. The import
// validates every row first (a dry run stops there and reports each problem with its line); a
// real import is one locked transaction — all rows or none — audited as one entry, and it
// publishes one `risks.imported` event, so the dashboard re-reads once and sends one patch.
import "server-only";
import { z } from "zod";
import { DEFAULT_REVIEW_CADENCE, type ReviewCadence } from "../config";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { audit, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { ValidationError } from "./errors";
import type { EventPublisher } from "./events";
import { MITIGATION_STATUSES, mitigationDto } from "./mitigations";
import { ownerQuery, ownerWhere, withOwner } from "./owners";
import { csvLine, parseRiskCsv, RISK_HEADER, riskCsvRow, type ImportProblem, type ImportRow } from "./risk-csv";
import { riskDto, riskInclude, riskListSchema, riskScore, riskWhere, type Severity } from "./risks";
import { dbIdQuery } from "./schema-helpers";
import { addDays, type Clock } from "./time";
import { refreshTodayTrend } from "./trend";

export const EXPORT_PAGE = 500;
const IMPORT_TIMEOUT_MS = 120_000;
/** New risks per INSERT (about 20 columns each: far below either database's parameter limit). */
const IMPORT_BATCH = 500;

export const exportFormat = z.enum(["csv", "json"]).default("csv");
export const riskExportSchema = riskListSchema
  .omit({ sort: true, order: true, page: true, page_size: true })
  .extend({ format: exportFormat });
export const mitigationExportSchema = z.object({
  risk_id: dbIdQuery().optional(),
  owner_id: ownerQuery.optional(),
  status: z.enum(MITIGATION_STATUSES).optional(),
  format: exportFormat,
});
export const importQuerySchema = z.object({
  dry_run: z
    .enum(["1", "0", "true", "false"])
    .transform((v) => v === "1" || v === "true")
    .default(false),
});

export interface ImportReport {
  dry_run: boolean;
  /** No row has a problem: a real import would write every row. */
  valid: boolean;
  total_rows: number;
  created: number;
  updated: number;
  errors: ImportProblem[];
  ignored_columns: string[];
}

const MITIGATION_COLUMNS = ["id", "risk_id", "title", "status", "completion_percent", "due_date", "completed_at", "owner_email"] as const;

export function createRiskTransferService(deps: {
  db: Db;
  events: EventPublisher;
  clock: Clock;
  flavor: DbFlavor;
  reviewCadence?: ReviewCadence;
}) {
  const { db, events, clock, flavor } = deps;
  const cadence = deps.reviewCadence ?? DEFAULT_REVIEW_CADENCE;

  /** Pages of rows by ascending id after the last one seen. */
  async function* pages<R extends { id: number }>(read: (after: number) => Promise<R[]>): AsyncGenerator<R[]> {
    let after = 0;
    for (;;) {
      const rows = await read(after);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.id;
    }
  }
  async function* render<R>(
    format: "csv" | "json",
    header: string,
    rows: AsyncGenerator<R[]>,
    csv: (r: R) => string,
    json: (r: R) => unknown,
  ) {
    let first = true;
    yield format === "csv" ? header : "[";
    for await (const page of rows) {
      if (format === "csv") yield page.map(csv).join("");
      else {
        yield page
          .map((r) => {
            const sep = first ? "\n" : ",\n";
            first = false;
            return sep + JSON.stringify(json(r));
          })
          .join("");
      }
    }
    if (format === "json") yield "\n]\n";
  }

  return {
    /** The risks matching the list filters, streamed as CSV (the import's format) or a JSON array of the API's risk objects. */
    exportRisks(q: z.infer<typeof riskExportSchema>): AsyncGenerator<string> {
      const where = riskWhere(q, flavor, clock.now());
      const rows = pages((after) =>
        db.risk.findMany({
          where: { AND: [where, { id: { gt: after } }] },
          include: riskInclude,
          orderBy: { id: "asc" },
          take: EXPORT_PAGE,
        }),
      );
      return render(q.format, RISK_HEADER, rows, (r) => riskCsvRow(riskDto(r)), riskDto);
    },

    exportMitigations(q: z.infer<typeof mitigationExportSchema>): AsyncGenerator<string> {
      const now = clock.now();
      const where: Prisma.MitigationWhereInput = { riskId: q.risk_id, status: q.status, ...ownerWhere(q.owner_id) };
      const rows = pages((after) =>
        db.mitigation.findMany({
          where: { AND: [where, { id: { gt: after } }] },
          include: withOwner,
          orderBy: { id: "asc" },
          take: EXPORT_PAGE,
        }),
      );
      return render(
        q.format,
        csvLine([...MITIGATION_COLUMNS]),
        rows,
        (m) =>
          csvLine([
            m.id,
            m.riskId,
            m.title,
            m.status,
            m.completionPercent,
            m.dueDate.toISOString(),
            m.completedAt?.toISOString(),
            m.owner?.email,
          ]),
        (m) => mitigationDto(m, now),
      );
    },

    /**
     * Imports a CSV register. Every row is checked (fields, owners by e-mail, ids); with `dryRun`
     * nothing is written and the report says what would happen. A real import with any problem
     * is refused (400 `import_invalid`, the report as details); otherwise every row is written in
     * one transaction: rows naming an `external_id` (or the `id` of the export) update that risk,
     * the rest are created.
     */
    async importCsv(text: string, opts: { dryRun: boolean }, actor: Actor): Promise<ImportReport> {
      const parsed = parseRiskCsv(text);
      const errors = [...parsed.errors];
      const rows: ImportRow[] = [];
      // Owners by e-mail, and the risks rows name.
      const emails = [...new Set(parsed.rows.flatMap((r) => (r.ownerEmail ? [r.ownerEmail.toLowerCase()] : [])))];
      const owners = new Map<string, { id: number; disabled: boolean }>();
      for (let i = 0; i < emails.length; i += 500) {
        for (const u of await db.user.findMany({
          where: { email: { in: emails.slice(i, i + 500) } },
          select: { id: true, email: true, disabled: true },
        }))
          owners.set(u.email.toLowerCase(), u);
      }
      const externalIds = parsed.rows.flatMap((r) => (r.externalId ? [r.externalId] : []));
      const byExternal = new Map<string, number>();
      for (let i = 0; i < externalIds.length; i += 500) {
        for (const r of await db.risk.findMany({
          where: { externalId: { in: externalIds.slice(i, i + 500) } },
          select: { id: true, externalId: true },
        }))
          byExternal.set(r.externalId!, r.id);
      }
      const ids = parsed.rows.flatMap((r) => (r.id !== undefined && !r.externalId ? [r.id] : []));
      const known = new Set<number>();
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await db.risk.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, select: { id: true } })) known.add(r.id);
      }
      const target = new Map<ImportRow, { ownerId: number | null | undefined; riskId: number | null }>();
      for (const row of parsed.rows) {
        let ok = true;
        let ownerId: number | null | undefined = row.present.includes("owner_email") ? null : undefined;
        if (row.ownerEmail) {
          const u = owners.get(row.ownerEmail.toLowerCase());
          if (!u || u.disabled) {
            errors.push({
              line: row.line,
              field: "owner_email",
              message: u ? `${row.ownerEmail} is disabled` : `no user ${row.ownerEmail}`,
            });
            ok = false;
          } else ownerId = u.id;
        }
        let riskId: number | null = null;
        if (row.externalId) riskId = byExternal.get(row.externalId) ?? null;
        else if (row.id !== undefined) {
          if (known.has(row.id)) riskId = row.id;
          else {
            errors.push({ line: row.line, field: "id", message: `no risk ${row.id} (give an external_id to create it)` });
            ok = false;
          }
        }
        if (ok) {
          rows.push(row);
          target.set(row, { ownerId, riskId });
        }
      }
      errors.sort((a, b) => a.line - b.line);
      const updates = rows.filter((r) => target.get(r)!.riskId !== null).length;
      const report: ImportReport = {
        dry_run: opts.dryRun,
        valid: errors.length === 0,
        total_rows: parsed.total_rows,
        created: rows.length - updates,
        updated: updates,
        errors,
        ignored_columns: parsed.ignored_columns,
      };
      if (opts.dryRun) return report;
      if (errors.length)
        throw new ValidationError(`the import has ${errors.length} problem(s); nothing was written`, report, "import_invalid");
      if (rows.length === 0) return report;

      const now = clock.now();
      const seq = await lockedTransaction(
        db,
        flavor,
        LOCKS.riskWrites,
        async (tx) => {
          // New risks in batches (one INSERT … RETURNING per batch, then their tags and first
          // history points): one statement per row made a 20,000-row import take minutes.
          const creates = rows.filter((r) => target.get(r)!.riskId === null);
          for (let i = 0; i < creates.length; i += IMPORT_BATCH) await createRows(tx, creates.slice(i, i + IMPORT_BATCH), target, now);
          for (const row of rows) {
            const t = target.get(row)!;
            if (t.riskId !== null) await updateRow(tx, row, t.riskId, t.ownerId, now);
          }
          await refreshTodayTrend(tx, now);
          await audit(tx, {
            actor,
            action: "imported",
            entity: "risk",
            entityId: "import",
            changes: { created: [null, report.created], updated: [null, report.updated] },
            at: now,
          });
          return nextDashboardSeq(tx);
        },
        5000,
        IMPORT_TIMEOUT_MS,
      );
      events.publish({ type: "risks.imported", seq, created: report.created, updated: report.updated });
      return report;
    },
  };

  /** Creates `batch` (rows naming no existing risk) with their tags and first score point. */
  async function createRows(tx: Tx, batch: ImportRow[], target: Map<ImportRow, { ownerId: number | null | undefined }>, now: Date) {
    const made = await tx.risk.createManyAndReturn({
      data: batch.map((row) => {
        const d = row.data;
        return {
          title: d.title,
          description: d.description,
          severity: d.severity,
          likelihood: d.likelihood,
          impact: d.impact,
          status: d.status,
          score: riskScore(d.likelihood, d.impact),
          ownerId: target.get(row)!.ownerId ?? null,
          treatment: d.treatment,
          residualLikelihood: d.residual_likelihood,
          residualImpact: d.residual_impact,
          residualScore: riskScore(d.residual_likelihood ?? d.likelihood, d.residual_impact ?? d.impact),
          nextReviewAt: d.next_review_at === undefined ? addDays(now, cadence[d.severity as Severity]) : d.next_review_at,
          category: d.category,
          externalId: row.externalId ?? null,
          openedAt: now,
          closedAt: d.status === "closed" ? now : null,
        };
      }),
      select: { id: true, title: true, score: true },
    });
    // RETURNING lists the rows in the order of VALUES on both databases; the tags and history
    // hang on that, so it is checked (a mismatch rolls the whole import back).
    const at = (i: number) => {
      const r = made[i];
      if (!r || r.title !== batch[i]!.data.title) throw new Error("import: the created rows came back in another order");
      return r;
    };
    const tags = batch.flatMap((row, i) => row.data.tags.map((tag) => ({ riskId: at(i).id, tag })));
    if (tags.length) await tx.riskTag.createMany({ data: tags });
    await tx.riskScoreHistory.createMany({ data: batch.map((_, i) => ({ riskId: at(i).id, score: at(i).score, recordedAt: now })) });
  }

  /** Updates the risk a row names: only the columns the row filled in. */
  async function updateRow(tx: Tx, row: ImportRow, riskId: number, ownerId: number | null | undefined, now: Date) {
    const d = row.data;
    const cur = (await tx.risk.findUnique({ where: { id: riskId } }))!;
    const has = (k: string) => row.present.includes(k);
    const likelihood = has("likelihood") ? d.likelihood : cur.likelihood;
    const impact = has("impact") ? d.impact : cur.impact;
    const rl = has("residual_likelihood") ? d.residual_likelihood : cur.residualLikelihood;
    const ri = has("residual_impact") ? d.residual_impact : cur.residualImpact;
    const status = has("status") ? d.status : cur.status;
    const score = riskScore(likelihood, impact);
    if (has("tags")) await tx.riskTag.deleteMany({ where: { riskId: riskId } });
    await tx.risk.update({
      where: { id: riskId },
      data: {
        title: d.title,
        ...(has("description") ? { description: d.description } : {}),
        severity: d.severity,
        likelihood,
        impact,
        status,
        score,
        closedAt: status === cur.status ? cur.closedAt : status === "closed" ? now : null,
        ...(ownerId !== undefined ? { ownerId: ownerId } : {}),
        ...(has("treatment") ? { treatment: d.treatment } : {}),
        residualLikelihood: rl,
        residualImpact: ri,
        residualScore: riskScore(rl ?? likelihood, ri ?? impact),
        ...(has("next_review_at") ? { nextReviewAt: d.next_review_at } : {}),
        ...(has("category") ? { category: d.category } : {}),
        ...(has("tags") ? { tags: { create: d.tags.map((tag) => ({ tag })) } } : {}),
        version: { increment: 1 },
      },
    });
    if (score !== cur.score) await tx.riskScoreHistory.create({ data: { riskId: riskId, score, recordedAt: now } });
  }
}
export type RiskTransferService = ReturnType<typeof createRiskTransferService>;
