// Broadcasts a synthetic violation (marked test: true; nothing is stored). Its id is negative and
// unique in this process: never a stored violation's (those count from 1), never another test's,
// so clients that keep violations unique by id need no special case for test data.
import type { ViolationDto } from "@/lib/domain/quota/dto";
import { testEndpoint } from "@/lib/http/test-endpoint";
import { TESTING } from "@/lib/http/contracts";

let synthetic = 0;

export const POST = testEndpoint(TESTING.violation, async ({ app, principal }) => {
  const data: ViolationDto = {
    id: --synthetic,
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
