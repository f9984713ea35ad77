import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";

export const dynamic = "force-dynamic";

export default async function QuotasPage() {
  await requirePrincipal("/admin/quotas", "admin");
  const quotas = await getContext().db.commandQuota.findMany({
    orderBy: [{ scope: "asc" }, { commandType: "asc" }, { period: "asc" }],
    include: { user: { select: { name: true } } },
  });
  return (
    <>
      <h1>Quota console</h1>
      <section className="panel">
        <h2>Configured quotas</h2>
        {quotas.length === 0 ? (
          <div className="empty">No quotas configured.</div>
        ) : (
          <table data-testid="quota-list">
            <thead>
              <tr>
                <th>Applies to</th>
                <th>Command</th>
                <th>Period</th>
                <th className="num">Limit</th>
              </tr>
            </thead>
            <tbody>
              {quotas.map((q) => (
                <tr key={q.id}>
                  <td>{q.user ? q.user.name : <span className="pill">everyone</span>}</td>
                  <td>{q.commandType}</td>
                  <td>{q.period}</td>
                  <td className="num">{q.limit}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
