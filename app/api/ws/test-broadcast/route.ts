// Publishes a `test` message on a channel (default quotas), `count` times (for load and
// slow-client checks). Admins only; off in production unless ENABLE_TEST_ENDPOINTS=1.
import { TESTING, testBroadcastSchema } from "@/lib/http/contracts/live";
import { body } from "@/lib/http/route";
import { testEndpoint } from "@/lib/http/test-endpoint";

export const POST = testEndpoint(TESTING.broadcast, async ({ req, app }) => {
  const input = await body(req, testBroadcastSchema);
  const { dashboard, quotas } = app.realtime.channels;
  const publish = () => (input.channel === "dashboard" ? dashboard.publish("test", input.data) : quotas.publish("test", input.data));
  const sent = await Promise.all(Array.from({ length: input.count }, publish));
  return { published: input.count, channel: input.channel, last_id: sent.at(-1)?.envelope.id ?? null };
});
