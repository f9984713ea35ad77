// Prisma CLI configuration. The CLI is only used at development time (migrations, drift
// check); the app applies migrations itself on start (lib/db/migrate.ts).
import path from "node:path";
import { defineConfig } from "prisma/config";

// Offline: the CLI talks to a JS stand-in for the native schema-engine binary, which it
// would otherwise try to download.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("prisma/engine/schema-engine.mjs");

const url = process.env.DATABASE_URL ?? "file:./data/riskpulse.db";
const flavor = /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";

export default defineConfig({
  schema: `prisma/generated/${flavor}/schema.prisma`,
  migrations: { path: `prisma/migrations/${flavor}` },
  datasource: { url },
});
