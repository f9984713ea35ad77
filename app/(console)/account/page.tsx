import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { EmailPreferencesForm } from "@/components/shell/email-preferences";
import { PasswordForm } from "@/components/shell/password-form";
import { TokenManager } from "@/components/shell/token-manager";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const me = await requirePrincipal("/account");
  const tokens = await getContext().tokens.list({ userId: me.userId });
  return (
    <>
      <h1>Account</h1>
      <div className="grid">
        <section className="panel" aria-label="You">
          <h2>You</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{me.name}</dd>
            <dt>E-mail</dt>
            <dd>{me.email}</dd>
            <dt>Role</dt>
            <dd>{me.role}</dd>
          </dl>
          <p className="muted">An admin changes names, e-mails and roles on the Users page, confirming with their own current password.</p>
        </section>
        <section className="panel">
          <h2>Change password</h2>
          <PasswordForm />
        </section>
        <section className="panel" aria-labelledby="email-heading">
          <h2 id="email-heading">E-mail</h2>
          <p className="muted">
            What you get by e-mail at {me.email}.{me.role === "admin" ? " Until you choose, admins get every alert." : ""}
          </p>
          <EmailPreferencesForm admin={me.role === "admin"} />
        </section>
      </div>
      <h2>Your API tokens</h2>
      <p className="muted">
        For your scripts and wallboards: a token acts as you, with your role, until it expires or is revoked (a new password set by an
        admin, disabling or demoting you revokes them too).
      </p>
      <TokenManager tokens={tokens} />
    </>
  );
}
