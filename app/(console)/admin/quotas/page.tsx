import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { LiveQuotaConsole } from "@/components/quotas/live-quota-console";

export const dynamic = "force-dynamic";

export default async function QuotasPage() {
  await requirePrincipal("/admin/quotas", "admin");
  const { quotas, realtime } = getContext();
  const [stats, violations, alerts, usage] = await Promise.all([
    realtime.quotaFeed.currentStats(),
    quotas.commands.violations({ page: 1, page_size: 30 }),
    quotas.alerts.list({ status: "open", page: 1, page_size: 50 }),
    quotas.usage(),
  ]);
  return <LiveQuotaConsole initial={{ stats, violations: violations.items, alerts: alerts.items, usage: usage.slice(0, 200) }} />;
}
