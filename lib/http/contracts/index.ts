// Every route contract, in the order the OpenAPI document lists them. A route file's handlers
// carry their contract (contract.ts); the contract test checks both lists agree.
import type { RouteContract } from "../contract";
import { ACCEPTANCES } from "./acceptances";
import { LIVE, TESTING } from "./live";
import { ACCOUNT, AUDIT, PEOPLE, TOKENS, USERS } from "./people";
import { QUOTAS } from "./quotas";
import { MITIGATIONS, RISKS } from "./risks";
import { AUTH, SYSTEM } from "./system";
import { TRANSFER } from "./transfer";
import { EMAIL, NOTIFICATIONS, WEBHOOKS } from "./webhooks";

const { sseDashboard, sseQuotas, sseNotifications, ...live } = LIVE;

export const ROUTE_CONTRACTS: readonly RouteContract[] = [
  ...Object.values(live),
  sseDashboard.get,
  sseDashboard.head,
  sseQuotas.get,
  sseQuotas.head,
  sseNotifications.get,
  sseNotifications.head,
  ...Object.values(RISKS),
  ...Object.values(MITIGATIONS),
  ...Object.values(ACCEPTANCES),
  ...Object.values(TRANSFER),
  ...Object.values(QUOTAS),
  ...Object.values(WEBHOOKS),
  ...Object.values(USERS),
  ...Object.values(PEOPLE),
  ...Object.values(ACCOUNT),
  ...Object.values(EMAIL),
  ...Object.values(NOTIFICATIONS),
  ...Object.values(TOKENS),
  ...Object.values(AUDIT),
  ...AUTH,
  ...Object.values(SYSTEM),
  ...Object.values(TESTING),
];

export {
  ACCEPTANCES,
  ACCOUNT,
  AUDIT,
  AUTH,
  EMAIL,
  LIVE,
  MITIGATIONS,
  NOTIFICATIONS,
  PEOPLE,
  QUOTAS,
  RISKS,
  SYSTEM,
  TESTING,
  TOKENS,
  TRANSFER,
  USERS,
  WEBHOOKS,
};
