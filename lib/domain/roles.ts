export const ROLES = ["admin", "analyst"] as const;
export type Role = (typeof ROLES)[number];
