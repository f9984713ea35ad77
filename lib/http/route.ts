// The one wrapper every route handler goes through: who is asking (session cookie or API
// token, re-checked against the database on every request; `?token=` only where a route asks for
// it — the SSE streams — and refused elsewhere), may they (role), did a state change
// come from our own site (Origin / Sec-Fetch-Site, for cookie-authenticated requests), is the
// input valid (zod, bodies capped at MAX_BODY_BYTES), and errors as {error, code?, details?} with
// the right status. Handlers return data (sent as JSON 200) or a Response.
import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { actorOf, type Actor } from "../domain/audit";
import { apiTokenFrom, resolvePrincipal, TOKEN_IN_QUERY, type AuthResult, type Principal, type Role } from "../auth/principal";
import { getContext, type AppContext } from "../context";
import { CODES } from "../contract/codes";
import { HttpError, errorJson, errorResponse, json } from "./errors";
import { isSameOrigin } from "./request-facts";
import { assertPageDepth } from "../domain/pagination";
import { filledParams, isPaged } from "./search-params";
import { contracted, roleOf, type RouteContract } from "./contract";

export interface RouteCtx<P> {
  req: NextRequest;
  app: AppContext;
  principal: Principal;
  actor: Actor;
  params: P;
  /** Re-resolves the request's credential (for live streams, which re-check it later). */
  recheck: () => Promise<AuthResult>;
}
type Params = Record<string, string | string[]>;

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The request's credentials; a `?token=` counts only when `queryToken` (live streams). */
export function credentialsOf(req: NextRequest, opts: { queryToken?: boolean } = {}) {
  const cookies = Object.fromEntries(req.cookies.getAll().map((c) => [c.name, c.value]));
  return { cookies, apiToken: apiTokenFrom(req.headers.get("authorization"), opts.queryToken ? req.nextUrl : undefined) };
}

export async function authenticate(req: NextRequest, app: AppContext): Promise<AuthResult> {
  return resolvePrincipal(credentialsOf(req), app.auth);
}

/** A handler for `contract`: its access is enforced here, and the contract travels with it (contract.ts). */
export function route<P extends Params = Params>(contract: RouteContract, fn: (ctx: RouteCtx<P>) => Promise<unknown>) {
  const opts: { role?: Role; queryToken?: boolean } = { role: roleOf(contract), queryToken: contract.queryToken };
  return contracted(contract, async (req: NextRequest, { params }: { params: Promise<P> }): Promise<Response> => {
    let app: AppContext | undefined;
    try {
      app = getContext();
      // Refused, not ignored: the client learns at once to move the token into a header.
      if (!opts.queryToken && req.nextUrl.searchParams.has("token"))
        return errorJson(401, TOKEN_IN_QUERY.error, {
          code: TOKEN_IN_QUERY.code,
          headers: { "www-authenticate": 'Bearer realm="riskpulse"' },
        });
      const creds = credentialsOf(req, opts);
      // A browser sends our cookie with requests other sites make it send: state changes must come from our pages.
      if (MUTATING.has(req.method) && !creds.apiToken && !isSameOrigin(req.headers, app.config.publicOrigin, app.config.TRUST_PROXY)) {
        return errorJson(403, "forbidden: cross-origin request", { code: "cross_origin" });
      }
      const auth = await resolvePrincipal(creds, app.auth);
      if (!auth.ok) {
        const status = auth.code === "account_disabled" ? 403 : 401;
        const error = auth.code === "unauthorized" ? "authentication required" : CODES[auth.code].message;
        return errorJson(status, error, {
          code: auth.code,
          headers: status === 401 ? { "www-authenticate": 'Bearer realm="riskpulse"' } : undefined,
        });
      }
      const principal = auth.principal;
      if (opts.role && principal.role !== opts.role) return errorJson(403, `forbidden: ${opts.role} role required`, { code: "forbidden" });
      const a = app;
      const result = await fn({
        req,
        app,
        principal,
        actor: actorOf(principal),
        params: await params,
        recheck: () => resolvePrincipal(creds, a.auth),
      });
      if (result instanceof Response) return result;
      return result === undefined ? new Response(null, { status: 204 }) : json(result);
    } catch (err) {
      return errorResponse(err, app?.log, () => app?.metrics.dbErrors.inc());
    }
  });
}

/** Reads at most `limit` bytes of a body, whatever the Content-Length says (chunked bodies too). */
async function readLimited(req: NextRequest, limit: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(413, `request body too large: at most ${limit} bytes`, undefined, undefined, "payload_too_large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON body; mutating requests must be JSON (plain HTML forms on other sites cannot send it). */
export async function body<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.infer<S>> {
  if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    throw new HttpError(415, "content-type must be application/json", undefined, undefined, "unsupported_media_type");
  }
  const text = await readLimited(req, getContext().config.MAX_BODY_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON", undefined, undefined, "invalid_json");
  }
  return schema.parse(raw);
}

export function query<S extends z.ZodType>(req: NextRequest, schema: S): z.infer<S> {
  const q = schema.parse(filledParams(req.nextUrl.searchParams));
  if (isPaged(q)) assertPageDepth(q);
  return q;
}

/** A path id: anything but a positive INT4 names nothing, hence 404. */
export function idParam(value: string | string[] | undefined, what: string): number {
  const id = Number(value);
  if (typeof value !== "string" || !/^\d{1,10}$/.test(value) || id < 1 || id > 2_147_483_647) {
    throw new HttpError(404, `${what} ${String(value).slice(0, 40)} not found`, undefined, undefined, "not_found");
  }
  return id;
}

export function created(data: unknown): Response {
  return json(data, 201);
}

/**
 * A streamed download: each chunk is pulled from `chunks` only when the client has taken the
 * previous one, so a slow reader holds back the database reads instead of filling memory.
 */
export function streamed(chunks: AsyncGenerator<string>, contentType: string, filename: string): Response {
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(enc.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: { "content-type": contentType, "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}

/** A CSV body (text/csv only: a plain HTML form on another site cannot send it), at most MAX_BODY_BYTES. */
export async function csvBody(req: NextRequest): Promise<string> {
  if (!req.headers.get("content-type")?.toLowerCase().startsWith("text/csv")) {
    throw new HttpError(415, "content-type must be text/csv", undefined, undefined, "unsupported_media_type");
  }
  return readLimited(req, getContext().config.MAX_BODY_BYTES);
}
