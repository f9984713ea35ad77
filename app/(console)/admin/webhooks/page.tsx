import { requirePrincipal } from "@/lib/http/page-auth";
import { WebhookManager } from "@/components/webhooks/webhook-manager";

export const dynamic = "force-dynamic";

export default async function WebhooksPage() {
  await requirePrincipal("/admin/webhooks", "admin");
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">
        Alerts, quota violations and risks becoming critical, sent to your chat, pager or script as they happen: each delivery is signed
        with the webhook&apos;s secret, retried with back-off while the receiver is down (for up to 24 h), and a webhook that keeps failing
        is switched off and raises an alert. What you get by e-mail is set on your Account page.
      </p>
      <WebhookManager />
    </>
  );
}
