import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { LiveMyWork } from "@/components/my-work/live-my-work";

export const dynamic = "force-dynamic";

export default async function MyWorkPage() {
  const me = await requirePrincipal("/my-work");
  const work = await getContext().myWork({ userId: me.userId, role: me.role });
  return <LiveMyWork initial={work} admin={me.role === "admin"} />;
}
