import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { safeRedirectPath } from "@/lib/http/request-facts";
import { CODES, isCode } from "@/lib/contract/codes";
import { LoginForm } from "@/components/shell/login-form";
import { demoSignIns } from "@/lib/seed/seed-demo";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string; reason?: string }>;
}) {
  const { callbackUrl, error, reason } = await searchParams;
  // Only paths on this site: an open redirect after sign-in would be a phishing aid.
  const app = getContext();
  const target = safeRedirectPath(callbackUrl, app.config.publicOrigin);
  if (await currentPrincipal()) redirect(target);
  // Only while the demo seed is on: a real installation never advertises accounts.
  const demo = app.config.seedDemo ? await demoSignIns(app.db) : [];
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
        {demo.length > 0 && (
          <section aria-labelledby="demo-accounts" data-testid="demo-accounts" style={{ marginTop: 20 }}>
            <h2 id="demo-accounts">Demo accounts</h2>
            <p className="muted">This server runs with demo data (SEED_DEMO); these passwords are public.</p>
            <ul className="demo-accounts">
              {demo.map((u) => (
                <li key={u.email}>
                  <b>{u.role}</b>: <code>{u.email}</code> / <code>{u.password}</code>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </main>
  );
}
