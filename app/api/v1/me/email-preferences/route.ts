import { emailPreferencesSchema } from "@/lib/domain/webhooks/email";
import { body, route } from "@/lib/http/route";
import { EMAIL } from "@/lib/http/contracts";

export const GET = route(EMAIL.get, async ({ app, principal }) => app.email.get(principal));
export const PUT = route(EMAIL.set, async ({ req, app, principal }) => app.email.set(principal, await body(req, emailPreferencesSchema)));
