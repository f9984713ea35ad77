// CSV import and export of the register, graded by the database: a dry run reports every bad
// row by its line and writes nothing; a real import is all-or-nothing, audited once, one event;
// external_id makes it idempotent; the export's own file imports back as updates of the same risks.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM as ADMIN_ROLE_ACTOR } from "../../lib/domain/audit";
import type { DomainEvent } from "../../lib/domain/events";
import { normaliseHeader, parseRiskCsv } from "../../lib/domain/risk-csv";
import { createRiskTransferService, EXPORT_PAGE, riskExportSchema } from "../../lib/domain/risk-transfer";
import { fixedClock, testDb } from "../support/db";

const collect = async (g: AsyncGenerator<string>) => {
  const chunks: string[] = [];
  for await (const c of g) chunks.push(c);
  return chunks;
};

function csv(n: number, bad: number[] = []): string {
  const lines = ["Ref,Name,Severity,Probability,Impact,Treatment,Tags,Owner"];
  for (let i = 1; i <= n; i++) {
    const sev = bad.includes(i) ? "urgent" : ["critical", "high", "medium", "low"][i % 4];
    const impact = bad.includes(i) ? "" : String((i % 10) / 10);
    lines.push(`EXT-${i},"Imported risk ${i}, with a comma",${sev},0.5,${impact},accept,import;batch,`);
  }
  return lines.join("\n") + "\n";
}

describe("risk import and export", () => {
  const clock = fixedClock("2026-03-01T10:00:00Z");
  const events: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let transfer: ReturnType<typeof createRiskTransferService>;
  before(async () => {
    t = await testDb();
    transfer = createRiskTransferService({ db: t.db, events: { publish: (e) => events.push(e) }, clock, flavor: t.flavor });
  });
  after(() => t.close());

  it("maps other registers' header names and defuses formula cells", () => {
    assert.deepEqual(["Name", "Probability", "owner", "Next Review", "REF"].map(normaliseHeader), [
      "title",
      "likelihood",
      "owner_email",
      "next_review_at",
      "external_id",
    ]);
    const p = parseRiskCsv('title,severity,likelihood,impact,colour\n"=HYPERLINK(1)",low,0.1,0.1,red\n');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.ignored_columns, ["colour"]);
    assert.equal(p.rows[0]!.data.title, "=HYPERLINK(1)");
    assert.equal(parseRiskCsv("title,severity\nx,low\n").errors[0]!.line, 1, "missing columns are the header's problem");
  });

  it("dry run: 2 bad rows of 200 reported by line, nothing written; the real import refuses the same file whole", async () => {
    const before = await t.db.risk.count();
    const report = await transfer.importCsv(csv(200, [17, 150]), { dryRun: true }, ADMIN_ROLE_ACTOR);
    assert.equal(report.valid, false);
    assert.equal(report.total_rows, 200);
    assert.deepEqual([...new Set(report.errors.map((e) => e.line))], [18, 151], "the header is line 1");
    assert.ok(report.errors.some((e) => e.line === 18 && e.field === "severity"));
    assert.ok(report.errors.some((e) => e.line === 151 && e.field === "impact"));
    await assert.rejects(
      transfer.importCsv(csv(200, [17, 150]), { dryRun: false }, ADMIN_ROLE_ACTOR),
      (e: { code?: string; status?: number }) => {
        assert.equal(e.status, 400);
        assert.equal(e.code, "import_invalid");
        return true;
      },
    );
    assert.equal(await t.db.risk.count(), before, "nothing written");
    assert.equal(events.length, 0);
  });

  it("a fixed file imports all rows in one transaction, audited once, one event; a second import updates the same risks", async () => {
    const report = await transfer.importCsv(csv(200), { dryRun: false }, ADMIN_ROLE_ACTOR);
    assert.equal(report.created, 200);
    assert.equal(await t.db.risk.count({ where: { externalId: { startsWith: "EXT-" } } }), 200);
    const r = await t.db.risk.findUnique({ where: { externalId: "EXT-7" }, include: { tags: true } });
    assert.equal(r!.title, "Imported risk 7, with a comma");
    assert.equal(r!.treatment, "accept");
    assert.deepEqual(r!.tags.map((x) => x.tag).sort(), ["batch", "import"]);
    assert.equal(await t.db.auditEntry.count({ where: { action: "imported" } }), 1);
    assert.deepEqual(
      events.map((e) => e.type),
      ["risks.imported"],
    );

    const again = await transfer.importCsv(csv(200), { dryRun: false }, ADMIN_ROLE_ACTOR);
    assert.deepEqual([again.created, again.updated], [0, 200]);
    assert.equal(await t.db.risk.count({ where: { externalId: { startsWith: "EXT-" } } }), 200, "idempotent by external_id");
  });

  it("streams the export in pages and its own CSV imports back unchanged", async () => {
    await t.db.risk.createMany({
      data: Array.from({ length: EXPORT_PAGE + 20 }, (_, i) => ({
        title: `Bulk ${i}`,
        severity: "low",
        likelihood: 0.1,
        impact: 0.2,
        score: 0.2,
      })),
    });
    const total = await t.db.risk.count();
    const chunks = await collect(transfer.exportRisks(riskExportSchema.parse({})));
    assert.ok(chunks.length >= 3, `header and at least two pages (${chunks.length} chunks)`);
    const file = chunks.join("");
    assert.equal(file.trim().split("\r\n").length, total + 1);

    const json = JSON.parse((await collect(transfer.exportRisks(riskExportSchema.parse({ format: "json", tag: "batch" })))).join(""));
    assert.equal(json.length, 200);

    // The round trip on a slice of the register (the critical rows), to keep the test short.
    const slice = (await collect(transfer.exportRisks(riskExportSchema.parse({ severity: "critical" })))).join("");
    const where = { severity: "critical" };
    const beforeRows = await t.db.risk.findMany({ where, orderBy: { id: "asc" }, include: { tags: true } });
    const back = await transfer.importCsv(slice, { dryRun: false }, ADMIN_ROLE_ACTOR);
    assert.deepEqual(back.errors, []);
    assert.deepEqual([back.created, back.updated], [0, beforeRows.length]);
    const afterRows = await t.db.risk.findMany({ where, orderBy: { id: "asc" }, include: { tags: true } });
    const facts = (rows: typeof beforeRows) =>
      rows.map((r) => [
        r.id,
        r.title,
        r.severity,
        r.likelihood,
        r.impact,
        r.treatment,
        r.externalId,
        r.tags
          .map((x) => x.tag)
          .sort()
          .join(";"),
      ]);
    assert.deepEqual(facts(afterRows), facts(beforeRows));

    const mit = await collect(transfer.exportMitigations({ format: "csv" }));
    assert.match(mit[0]!, /^id,risk_id,title/);
  });
});
