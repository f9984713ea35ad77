import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/auth/page";
import { LoginForm } from "@/components/shell/login-form";

export const dynamic = "force-dynamic";

/** Only same-site paths: an open redirect after login would be a phishing aid. */
function safePath(p: string | undefined) {
  return p && p.startsWith("/") && !p.startsWith("//") ? p : "/dashboard";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const target = safePath(callbackUrl);
  if (await currentPrincipal()) redirect(target);
  return (
    <div className="login">
      <div className="panel">
        <div className="brand" style={{ marginBottom: 20 }}>
          Risk<span>Pulse</span>
        </div>
        <LoginForm callbackUrl={target} initialError={error ? "Sign-in failed. Check your e-mail and password." : undefined} />
      </div>
    </div>
  );
}
