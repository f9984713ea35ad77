import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { DashboardView } from "@/components/dashboard/dashboard-view";

export const dynamic = "force-dynamic";

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  await requirePrincipal("/dashboard");
  const { denied } = await searchParams;
  const snapshot = await getContext().dashboard.snapshot();
  return (
    <>
      {denied && <div className="notice">That page is for {denied}s only.</div>}
      <h1>Risk dashboard</h1>
      <DashboardView data={snapshot} />
    </>
  );
}
