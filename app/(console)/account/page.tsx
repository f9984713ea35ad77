import { requirePrincipal } from "@/lib/auth/page";
import { PasswordForm } from "@/components/shell/password-form";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const me = await requirePrincipal("/account");
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
          <p className="muted">An admin changes names, e-mails and roles on the Users page.</p>
        </section>
        <section className="panel">
          <h2>Change password</h2>
          <PasswordForm />
        </section>
      </div>
    </>
  );
}
