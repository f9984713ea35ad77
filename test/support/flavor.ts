import type { DbFlavor } from "../../lib/db/url";

/** The database the suite runs against: TEST_DB=sqlite (default) or postgres. */
export const flavor: DbFlavor = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";

/** The environment variable naming each flavor's seeded template database (test/support/template.ts). */
export const TEMPLATE_ENV: Record<DbFlavor, string> = { sqlite: "TEST_TEMPLATE_SQLITE", postgres: "TEST_TEMPLATE_PG" };
