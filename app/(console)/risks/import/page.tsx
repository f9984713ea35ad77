import Link from "next/link";
import { requirePrincipal } from "@/lib/http/page-auth";
import { ImportForm } from "@/components/risks/import-form";

export const dynamic = "force-dynamic";
// A download from the API, not a page: a plain link (next/link would prefetch it).
const EXPORT = "/api/v1/risks/export?format=csv";

export default async function ImportPage() {
  await requirePrincipal("/risks/import");
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted">
        <Link href="/risks" style={{ textDecoration: "underline" }}>
          Risks
        </Link>{" "}
        / import
      </nav>
      <h1>Import risks from CSV</h1>
      <p className="muted">
        Columns: title, severity, likelihood, impact (required); description, status, owner_email, treatment, residual_likelihood,
        residual_impact, next_review_at, category, tags (separated by ;), external_id. Common other names (name, probability, owner …) are
        understood. The file of{" "}
        <a href={EXPORT} style={{ textDecoration: "underline" }}>
          Export CSV
        </a>{" "}
        imports back as updates.
      </p>
      <ImportForm />
    </>
  );
}
