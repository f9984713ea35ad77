import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { TokenManager } from "@/components/shell/token-manager";

export const dynamic = "force-dynamic";

export default async function TokensPage() {
  await requirePrincipal("/admin/tokens", "admin");
  const tokens = await getContext().tokens.list();
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        For wallboards and scripts: send as <code>Authorization: Bearer …</code>, <code>?token=…</code> or Socket.IO <code>auth.token</code>
        . A token acts as the admin who created it.
      </p>
      <TokenManager tokens={tokens} />
    </>
  );
}
