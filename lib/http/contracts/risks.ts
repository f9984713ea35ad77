// Risks and mitigations (README "REST API").
import { mitigationCreateSchema, mitigationListSchema, mitigationUpdateSchema } from "../../domain/mitigations";
import { riskCreateSchema, riskListSchema, riskReviewSchema, riskUpdateSchema } from "../../domain/risks";
import type { RouteContract } from "../contract";

const riskId = { id: { description: "the risk's id" } };
const mitigationId = { id: { description: "the mitigation's id" } };

export const RISKS = {
  list: {
    method: "GET",
    path: "/api/v1/risks",
    tag: "risks",
    access: "user",
    summary: "List risks",
    description:
      "Filters `status`, `severity`, `q` (title contains), `owner_id`, `treatment` (or `undecided`), `category`, `tag`, `review=overdue`, " +
      "and a heat-map cell: `likelihood_band` and `impact_band` (1–5, of the residual values with `matrix=residual`); sorted by `sort` and `order`; paged.",
    query: riskListSchema,
    replies: { 200: { description: "a page of risks", body: "RiskPage" } },
  },
  create: {
    method: "POST",
    path: "/api/v1/risks",
    tag: "risks",
    access: "user",
    summary: "Create a risk",
    body: riskCreateSchema,
    replies: { 201: { description: "the new risk (its score is 10 × likelihood × impact)", body: "RiskCreated" } },
  },
  get: {
    method: "GET",
    path: "/api/v1/risks/{id}",
    tag: "risks",
    access: "user",
    summary: "One risk with its score history",
    params: riskId,
    replies: { 200: { description: "the risk", body: "Risk" } },
  },
  update: {
    method: "PATCH",
    path: "/api/v1/risks/{id}",
    tag: "risks",
    access: "user",
    summary: "Change a risk",
    description:
      "Only the fields given change; at least one is required. Send the `version` the edit started from (in the body, or as " +
      '`If-Match: "<version>"`) and a risk changed meanwhile is refused with 409 `edit_conflict`, whose `details.current` is the risk as it is now.',
    params: riskId,
    body: riskUpdateSchema,
    replies: {
      200: { description: "the risk as it is now", body: "RiskUpdated" },
      409: {
        description: "`edit_conflict`: the risk is no longer at the version given; `details: {your_version, current}`",
        body: "Error",
      },
    },
  },
  review: {
    method: "POST",
    path: "/api/v1/risks/{id}/reviews",
    tag: "risks",
    access: "user",
    summary: "Record a review of a risk",
    description:
      "Sets `last_reviewed_at` to now and `next_review_at` to the date given or now + the severity's cadence (REVIEW_CADENCE_DAYS); audited with its note.",
    params: riskId,
    body: riskReviewSchema,
    replies: { 200: { description: "the risk as it is now", body: "RiskReviewed" } },
  },
  remove: {
    method: "DELETE",
    path: "/api/v1/risks/{id}",
    tag: "risks",
    access: "user",
    summary: "Delete a risk and its mitigations",
    params: riskId,
    replies: { 204: { description: "deleted" } },
  },
} as const satisfies Record<string, RouteContract>;

export const MITIGATIONS = {
  list: {
    method: "GET",
    path: "/api/v1/mitigations",
    tag: "mitigations",
    access: "user",
    summary: "List mitigations",
    description: "Filters `risk_id`, `status`, `overdue`; paged.",
    query: mitigationListSchema,
    replies: { 200: { description: "a page of mitigations", body: "MitigationPage" } },
  },
  create: {
    method: "POST",
    path: "/api/v1/mitigations",
    tag: "mitigations",
    access: "user",
    summary: "Create a mitigation for a risk",
    body: mitigationCreateSchema,
    replies: {
      201: { description: "the new mitigation", body: "MitigationCreated" },
      404: { description: "no risk `risk_id`", body: "Error" },
    },
  },
  get: {
    method: "GET",
    path: "/api/v1/mitigations/{id}",
    tag: "mitigations",
    access: "user",
    summary: "One mitigation",
    params: mitigationId,
    replies: { 200: { description: "the mitigation", body: "Mitigation" } },
  },
  update: {
    method: "PATCH",
    path: "/api/v1/mitigations/{id}",
    tag: "mitigations",
    access: "user",
    summary: "Change a mitigation",
    description: "Only the fields given change; at least one is required.",
    params: mitigationId,
    body: mitigationUpdateSchema,
    replies: { 200: { description: "the mitigation as it is now", body: "MitigationUpdated" } },
  },
  remove: {
    method: "DELETE",
    path: "/api/v1/mitigations/{id}",
    tag: "mitigations",
    access: "user",
    summary: "Delete a mitigation",
    params: mitigationId,
    replies: { 204: { description: "deleted" } },
  },
} as const satisfies Record<string, RouteContract>;
