// The full dashboard snapshot (SPEC §2); also the polling fallback's data source.
import { route } from "@/lib/http/route";

export const GET = route({}, async ({ app }) => app.dashboard.snapshot());
