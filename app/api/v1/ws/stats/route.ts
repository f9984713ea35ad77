// Real-time statistics. Analysts see their own channel's figures; admins see every channel, by transport.
import { route } from "@/lib/http/route";

export const GET = route({}, async ({ app, principal }) => app.realtime.stats(principal.role === "admin"));
