// Broadcasts a synthetic alert (marked test: true; nothing is stored).
import type { AlertDto } from "@/lib/domain/quota/dto";
import { testEndpoint } from "@/lib/http/test-endpoint";
import { TESTING } from "@/lib/http/contracts";

export const POST = testEndpoint(TESTING.alert, async ({ app, principal }) => {
  const data: AlertDto = {
    alert_id: 0,
    test: true,
    alert_type: "quota_violation",
    severity: "critical",
    user_id: principal.userId,
    username: principal.name,
    message: "Test alert: 7 quota violations today",
    violation_count: 7,
    action_needed: true,
    created_at: new Date().toISOString(),
    acknowledged_at: null,
    acknowledged_by: null,
  };
  return { published: (await app.realtime.channels.quotas.publish("alert", data)).envelope };
});
