import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { AcceptanceQueue } from "@/components/risks/acceptance-queue";

export const dynamic = "force-dynamic";

export default async function AcceptancesPage() {
  const me = await requirePrincipal("/admin/acceptances", "admin");
  const app = getContext();
  const [pending, recent] = await Promise.all([
    app.acceptances.list({ status: "pending", page: 1, page_size: 100 }),
    app.acceptances.list({ page: 1, page_size: 20 }),
  ]);
  return (
    <>
      <h1>Acceptances</h1>
      <p className="muted">
        Requests to accept a risk until a date. Four-eyes: a request is decided by an admin other than the one who made it. Rejecting,
        revoking or reaching the expiry puts the risk&apos;s treatment back to undecided.
      </p>
      <AcceptanceQueue pending={pending.items} recent={recent.items} meId={me.userId} />
    </>
  );
}
