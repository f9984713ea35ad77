import type { DbFlavor } from "../../lib/db/url";

/** The database the suite runs against: TEST_DB=sqlite (default) or postgres. */
export const flavor: DbFlavor = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
