import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { LiveDashboard } from "@/components/dashboard/live-dashboard";

export const dynamic = "force-dynamic";

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  await requirePrincipal("/dashboard");
  const { denied } = await searchParams;
  const snapshot = await getContext().realtime.feed.current();
  return (
    <>
      {denied && <div className="notice">That page is for {denied}s only.</div>}
      <LiveDashboard initial={snapshot} />
    </>
  );
}
