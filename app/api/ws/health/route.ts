import { route } from "@/lib/http/route";

export const GET = route({}, async ({ app }) => app.realtime.health());
