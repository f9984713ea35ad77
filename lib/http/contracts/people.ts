// Users, the signed-in user's own account, API tokens and the audit log (README "REST API").
import { tokenCreateSchema } from "../../auth/api-tokens";
import { auditListSchema } from "../../domain/audit";
import { passwordChangeSchema, userCreateSchema, userListSchema, userPatchSchema } from "../../domain/users";
import type { RouteContract } from "../contract";

const userId = { id: { description: "the user's id" } };

export const USERS = {
  list: {
    method: "GET",
    path: "/api/v1/users",
    tag: "users",
    access: "admin",
    summary: "List users",
    query: userListSchema,
    replies: { 200: { description: "a page of users", body: "UserPage" } },
  },
  create: {
    method: "POST",
    path: "/api/v1/users",
    tag: "users",
    access: "admin",
    summary: "Add a user with a password",
    body: userCreateSchema,
    replies: {
      201: { description: "the new user", body: "UserCreated" },
      409: { description: "the e-mail is in use", body: "Error" },
    },
  },
  get: {
    method: "GET",
    path: "/api/v1/users/{id}",
    tag: "users",
    access: "admin",
    summary: "One user",
    params: userId,
    replies: { 200: { description: "the user", body: "User" } },
  },
  update: {
    method: "PATCH",
    path: "/api/v1/users/{id}",
    tag: "users",
    access: "admin",
    summary: "Change a user",
    description:
      "A change of `password`, `email` or `role` (anyone's, yours too) needs `current_password` — the acting admin's — from a signed-in session. A password set here, disabling or demoting revokes the user's API tokens and ends their live connections.",
    params: userId,
    body: userPatchSchema,
    replies: {
      200: { description: "the user as it is now", body: "UserUpdated" },
      403: { description: "`current_password_required`, `current_password_wrong`, or `session_required` with an API token", body: "Error" },
      409: { description: "the last active admin cannot be demoted or disabled; or the e-mail is in use", body: "Error" },
    },
  },
  remove: {
    method: "DELETE",
    path: "/api/v1/users/{id}",
    tag: "users",
    access: "admin",
    summary: "Delete a user",
    params: userId,
    replies: { 204: { description: "deleted" }, 409: { description: "the last active admin cannot be deleted", body: "Error" } },
  },
} as const satisfies Record<string, RouteContract>;

export const PEOPLE = {
  list: {
    method: "GET",
    path: "/api/v1/people",
    tag: "users",
    access: "user",
    summary: "The people a risk or mitigation can be owned by",
    description: "For the owner pickers, for everyone signed in (the full user list stays admin-only).",
    replies: { 200: { description: "the choices", body: "People" } },
  },
} as const satisfies Record<string, RouteContract>;

export const ACCOUNT = {
  me: {
    method: "GET",
    path: "/api/v1/me",
    tag: "account",
    access: "user",
    summary: "Who am I",
    description: "`via` says whether the request came with a session or an API token.",
    replies: { 200: { description: "the caller", body: "Me" } },
  },
  password: {
    method: "POST",
    path: "/api/v1/me/password",
    tag: "account",
    access: "user",
    summary: "Change my password",
    description:
      "Every other session of the user ends. The current password is checked like a sign-in: throttled per account and per client address.",
    body: passwordChangeSchema,
    replies: {
      204: { description: "changed" },
      429: {
        description: "too many wrong passwords",
        body: "Error",
        headers: { "retry-after": "seconds until the next attempt may succeed" },
      },
      503: {
        description: "password checks are busy, or the database is unavailable",
        body: "Error",
        headers: { "retry-after": "seconds" },
      },
    },
  },
} as const satisfies Record<string, RouteContract>;

export const TOKENS = {
  list: {
    method: "GET",
    path: "/api/v1/tokens",
    tag: "tokens",
    access: "user",
    summary: "List API tokens",
    description: "Your own; admins see everyone's. Secrets are never shown again.",
    replies: { 200: { description: "the tokens", body: "TokenList" } },
  },
  create: {
    method: "POST",
    path: "/api/v1/tokens",
    tag: "tokens",
    access: "user",
    summary: "Create an API token",
    description:
      "From a signed-in session only. The token acts as the user who creates it; its secret is in this answer and nowhere else, ever.",
    body: tokenCreateSchema,
    replies: {
      201: { description: "the token with its secret (`token`)", body: "TokenCreated" },
      403: { description: "`session_required`: created with an API token", body: "Error" },
    },
  },
  revoke: {
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    tag: "tokens",
    access: "user",
    summary: "Revoke an API token",
    description: "Your own (another user's is not found); admins any. Its live connections close at once.",
    params: { id: { description: "the token's id" } },
    replies: { 200: { description: "the token, revoked", body: "TokenRevoked" } },
  },
} as const satisfies Record<string, RouteContract>;

export const AUDIT = {
  list: {
    method: "GET",
    path: "/api/v1/audit",
    tag: "audit",
    access: "admin",
    summary: "The audit log",
    description: "Who changed what and when (before → after per field).",
    query: auditListSchema,
    replies: { 200: { description: "a page of entries, newest first", body: "AuditPage" } },
  },
} as const satisfies Record<string, RouteContract>;
