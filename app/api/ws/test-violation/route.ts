// Broadcasts a synthetic violation (marked test: true; nothing is stored).
import type { ViolationDto } from "@/lib/domain/quota/dto";
import { testEndpoint } from "@/lib/http/test-endpoint";
import { TESTING } from "@/lib/http/contracts";

export const POST = testEndpoint(TESTING.violation, async ({ app, principal }) => {
  const data: ViolationDto = {
    id: 0,
    test: true,
    user_id: principal.userId,
    username: principal.name,
    command_type: "shell",
    period: "daily",
    limit: 500,
    attempted: 501,
    message: "Test violation: user exceeded daily shell quota",
    created_at: new Date().toISOString(),
  };
  return { published: (await app.realtime.channels.quotas.publish("violation", data)).envelope };
});
