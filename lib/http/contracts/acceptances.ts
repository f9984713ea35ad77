// Risk acceptance and My work (README "Risk acceptance", "My work").
import {
  acceptanceDecisionSchema,
  acceptanceListSchema,
  acceptanceRequestSchema,
  acceptanceRevokeSchema,
} from "../../domain/acceptance-rules";
import type { RouteContract } from "../contract";

const riskId = { id: { description: "the risk's id" } };
const acceptanceId = { id: { description: "the acceptance's id" } };
const closed = {
  description: "`acceptance_closed`: it is no longer pending (approve, reject) or open (revoke); `details.acceptance`",
  body: "Error",
} as const;

export const ACCEPTANCES = {
  forRisk: {
    method: "GET",
    path: "/api/v1/risks/{id}/acceptances",
    tag: "acceptances",
    access: "user",
    summary: "A risk's acceptance requests",
    description: "Newest first, at most 50: the one in force (if any) and its history.",
    params: riskId,
    replies: { 200: { description: "the risk's acceptances", body: "AcceptanceList" } },
  },
  request: {
    method: "POST",
    path: "/api/v1/risks/{id}/acceptances",
    tag: "acceptances",
    access: "user",
    summary: "Ask for a risk to be accepted",
    description:
      "Creates a pending request and sets the risk's treatment to `accept`; an admin other than the requester decides it. " +
      "`expires_at` must be in the future. Sends the `acceptance.requested` webhook event.",
    params: riskId,
    body: acceptanceRequestSchema,
    replies: {
      201: { description: "the pending request", body: "Acceptance" },
      409: { description: "`acceptance_pending`: the risk has a pending request already; `details.acceptance`", body: "Error" },
    },
  },
  list: {
    method: "GET",
    path: "/api/v1/acceptances",
    tag: "acceptances",
    access: "admin",
    summary: "List acceptance requests",
    description: "Filters `status` and `risk_id`; newest first; paged.",
    query: acceptanceListSchema,
    replies: { 200: { description: "a page of acceptances", body: "AcceptancePage" } },
  },
  approve: {
    method: "POST",
    path: "/api/v1/acceptances/{id}/approve",
    tag: "acceptances",
    access: "admin",
    summary: "Approve an acceptance request",
    description:
      "Four-eyes: the requester may not approve their own request (403 `four_eyes`). `expires_at` replaces the requested date. " +
      "An approved acceptance of the same risk that this one renews is revoked.",
    params: acceptanceId,
    body: acceptanceDecisionSchema,
    replies: {
      200: { description: "the approved acceptance", body: "Acceptance" },
      403: { description: "`four_eyes`: you requested it; or `forbidden`: not an admin", body: "Error" },
      409: closed,
    },
  },
  reject: {
    method: "POST",
    path: "/api/v1/acceptances/{id}/reject",
    tag: "acceptances",
    access: "admin",
    summary: "Reject an acceptance request",
    description: "Four-eyes as for approve. The risk's treatment decision is reopened (back to undecided).",
    params: acceptanceId,
    body: acceptanceDecisionSchema,
    replies: {
      200: { description: "the rejected acceptance", body: "Acceptance" },
      403: { description: "`four_eyes`: you requested it; or `forbidden`: not an admin", body: "Error" },
      409: closed,
    },
  },
  revoke: {
    method: "POST",
    path: "/api/v1/acceptances/{id}/revoke",
    tag: "acceptances",
    access: "user",
    summary: "Revoke an acceptance",
    description:
      "Admins may revoke a pending or approved acceptance; the requester may withdraw their own pending request (403 `forbidden` otherwise). " +
      "The risk's treatment decision is reopened (back to undecided).",
    params: acceptanceId,
    body: acceptanceRevokeSchema,
    replies: { 200: { description: "the revoked acceptance", body: "Acceptance" }, 409: closed },
  },
  myWork: {
    method: "GET",
    path: "/api/v1/me/work",
    tag: "account",
    access: "user",
    summary: "My work",
    description:
      "Open risks I own; my mitigations due within 7 days or overdue; reviews of my risks due within 7 days or overdue; " +
      "for admins, the pending acceptance requests I may decide (not my own).",
    replies: { 200: { description: "what waits for me", body: "MyWork" } },
  },
} as const satisfies Record<string, RouteContract>;
