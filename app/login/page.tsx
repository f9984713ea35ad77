import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { safeRedirectPath } from "@/lib/http/request-facts";
import { CODES, isCode } from "@/lib/contract/codes";
import { LoginForm } from "@/components/shell/login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string; reason?: string }>;
}) {
  const { callbackUrl, error, reason } = await searchParams;
  // Only paths on this site: an open redirect after sign-in would be a phishing aid.
  const target = safeRedirectPath(callbackUrl, getContext().config.publicOrigin);
  if (await currentPrincipal()) redirect(target);
  const why =
    isCode(reason) && reason !== "unauthorized"
      ? `${CODES[reason].message[0]!.toUpperCase()}${CODES[reason].message.slice(1)}.`
      : undefined;
  return (
    <main className="login">
      <div className="panel">
        <h1 className="brand" style={{ marginBottom: 20 }}>
          Risk<span>Pulse</span>
        </h1>
        {why && <div className="notice">{why}</div>}
        <LoginForm callbackUrl={target} initialError={error ? "Sign-in failed. Check your e-mail and password." : undefined} />
      </div>
    </main>
  );
}
