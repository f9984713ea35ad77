"use client";
// The import page's form: a CSV file is first checked (a dry run: nothing written) and its
// report shown — rows to create and update, each problem with its line in the file — and only
// a clean file can be applied. Applying writes all rows or none.
import Link from "next/link";
import { useState } from "react";
import { FormError } from "@/components/shell/form-error";

interface Report {
  dry_run: boolean;
  valid: boolean;
  total_rows: number;
  created: number;
  updated: number;
  errors: { line: number; field?: string; message: string }[];
  ignored_columns: string[];
}

async function send(text: string, dryRun: boolean): Promise<Report> {
  const res = await fetch(`/api/v1/risks/import${dryRun ? "?dry_run=1" : ""}`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: text,
  });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (res.ok) return body as Report;
  if (body?.code === "import_invalid") return body.details as Report;
  throw new Error(body?.error ?? `HTTP ${res.status}`);
}

export function ImportForm() {
  const [text, setText] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();

  async function run(dryRun: boolean) {
    if (text === null) return;
    setBusy(true);
    setMessage(undefined);
    try {
      setReport(await send(text, dryRun));
    } catch (e) {
      setMessage(e instanceof Error ? e.message : "Cannot reach the server; try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <label>
          CSV file
          <input
            type="file"
            name="file"
            accept=".csv,text/csv"
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              setReport(null);
              setName(f?.name ?? "");
              setText(f ? await f.text() : null);
            }}
          />
        </label>
        <FormError message={message} />
        <div style={{ display: "flex", gap: 8 }}>
          <button type="submit" disabled={busy || text === null}>
            {busy ? "Checking…" : "Check file"}
          </button>
          {report?.dry_run && report.valid && (
            <button type="button" disabled={busy} onClick={() => void run(false)}>
              Import {report.created + report.updated} rows
            </button>
          )}
        </div>
      </form>
      {report && (
        <div data-testid="import-report" aria-live="polite">
          {report.dry_run ? (
            <p>
              <b>{name}</b>: {report.total_rows} rows — {report.created} to create, {report.updated} to update
              {report.valid
                ? "; no problems found. Nothing is written until you import."
                : `; ${report.errors.length} problem(s), nothing can be imported until they are fixed.`}
            </p>
          ) : (
            <p role="status" data-testid="import-done">
              Imported: {report.created} created, {report.updated} updated.{" "}
              <Link href="/risks" style={{ textDecoration: "underline" }}>
                See the risks
              </Link>
            </p>
          )}
          {report.ignored_columns.length > 0 && <p className="muted">Ignored columns: {report.ignored_columns.join(", ")}</p>}
          {report.errors.length > 0 && (
            <table data-testid="import-errors">
              <caption className="sr-only">Problems by line</caption>
              <thead>
                <tr>
                  <th className="num">Line</th>
                  <th>Field</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e, i) => (
                  <tr key={i}>
                    <td className="num">{e.line}</td>
                    <td>{e.field ?? "—"}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
