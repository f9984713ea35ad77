// Publishes a test message on a channel (default quotas), `count` times (for load and
// slow-client checks). Admins only; off in production unless ENABLE_TEST_ENDPOINTS=1.
import { z } from "zod";
import { body } from "@/lib/http/route";
import { testEndpoint } from "@/lib/http/test-endpoint";

const schema = z.strictObject({
  channel: z.enum(["dashboard", "quotas"]).default("quotas"),
  type: z.string().regex(/^[a-z_]{1,32}$/).default("test"),
  data: z.record(z.string(), z.unknown()).default({ message: "test broadcast" }),
  count: z.number().int().min(1).max(5000).default(1),
});

export const POST = testEndpoint(async ({ req, app }) => {
  const input = await body(req, schema);
  const channel = app.realtime.channels[input.channel];
  let last = "";
  for (let i = 0; i < input.count; i++) last = channel.publish(input.type, input.data).envelope.id;
  return { published: input.count, channel: input.channel, last_id: last };
});
