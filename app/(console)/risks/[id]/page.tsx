import { notFound } from "next/navigation";
import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { isDomainError } from "@/lib/domain/errors";
import { LiveRiskDetail } from "@/components/risks/live-risk-detail";

export const dynamic = "force-dynamic";

export default async function RiskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const me = await requirePrincipal(`/risks/${encodeURIComponent(raw)}`);
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) notFound();
  const app = getContext();
  // The live log's position before the data is read: the page's connection resumes from it, so a
  // change committed meanwhile reaches it (a repeat of one the data holds is harmless).
  const cursor = app.realtime.channels.dashboard.lastId;
  // The services come from server.ts's module graph, not this bundle's: the error is told by its
  // brand and status, never by instanceof (lib/domain/errors.ts).
  const risk = await app.risks.get(id).catch((e: unknown) => {
    if (isDomainError(e) && e.status === 404) notFound();
    throw e;
  });
  const [mitigations, acceptances] = await Promise.all([
    app.mitigations.list({ risk_id: id, page: 1, page_size: 100 }),
    app.acceptances.forRisk(id),
  ]);
  return (
    <LiveRiskDetail
      initial={risk}
      mitigations={mitigations.items}
      cursor={cursor}
      acceptances={acceptances.items}
      me={{ id: me.userId, role: me.role }}
    />
  );
}
