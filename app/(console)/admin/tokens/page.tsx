import { requirePrincipal } from "@/lib/http/page-auth";
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
        For wallboards and scripts: send as <code>Authorization: Bearer …</code> (or Socket.IO <code>auth.token</code>;{" "}
        <code>?token=…</code> only on the WebSocket and SSE endpoints). A token acts as the user who created it: for a script with an
        identity of its own, add a user for it and create the token signed in as that user. Everyone&apos;s tokens are listed here;
        resetting a user&apos;s password, disabling or demoting them revokes theirs.
      </p>
      <TokenManager tokens={tokens} showOwner />
    </>
  );
}
