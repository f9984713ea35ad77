// The one wrapper every route handler goes through: who is asking (session cookie or API
// token), may they (role), is the input valid (zod), and errors as {error, details?} with
// the right status. Handlers return data (sent as JSON 200) or a Response.
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { apiTokenFrom, resolvePrincipal, type Principal, type Role } from "../auth/principal";
import { getContext, type AppContext } from "../context";
import { HttpError, errorResponse, json } from "./errors";

export interface RouteCtx<P> {
  req: NextRequest;
  app: AppContext;
  principal: Principal;
  params: P;
}
type Params = Record<string, string | string[]>;

export async function principalOf(req: NextRequest, app: AppContext): Promise<Principal | null> {
  const cookies = Object.fromEntries(req.cookies.getAll().map((c) => [c.name, c.value]));
  return resolvePrincipal({ cookies, apiToken: apiTokenFrom(req.headers.get("authorization"), req.nextUrl) }, app);
}

export function route<P extends Params = Params>(
  opts: { role?: Role },
  fn: (ctx: RouteCtx<P>) => Promise<unknown>,
) {
  return async (req: NextRequest, { params }: { params: Promise<P> }): Promise<Response> => {
    let app: AppContext | undefined;
    try {
      app = getContext();
      const principal = await principalOf(req, app);
      if (!principal) return json({ error: "authentication required" }, 401, { "www-authenticate": 'Bearer realm="riskpulse"' });
      if (opts.role && principal.role !== opts.role) return json({ error: `forbidden: ${opts.role} role required` }, 403);
      const result = await fn({ req, app, principal, params: await params });
      if (result instanceof Response) return result;
      return result === undefined ? new Response(null, { status: 204 }) : json(result);
    } catch (err) {
      return errorResponse(err, app?.log);
    }
  };
}

/** Parses a JSON body; mutating requests must be JSON, which also keeps plain HTML forms on other sites out (CSRF). */
export async function body<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.infer<S>> {
  if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    throw new HttpError(415, "content-type must be application/json");
  }
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
  return schema.parse(raw);
}

export function query<S extends z.ZodType>(req: NextRequest, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(req.nextUrl.searchParams));
}

/** A path id: anything but a positive integer names nothing, hence 404. */
export function idParam(value: string | string[] | undefined, what: string): number {
  const id = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) {
    throw new HttpError(404, `${what} ${String(value)} not found`);
  }
  return id;
}

export function created(data: unknown): Response {
  return json(data, 201);
}
