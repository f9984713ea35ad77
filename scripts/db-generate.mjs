#!/usr/bin/env node
// Writes one copy of prisma/schema.prisma per provider and generates a typed client for each.
// Prisma fixes the provider per schema file; keeping the copies generated (never edited) keeps
// prisma/schema.prisma the single source of truth. `generate` never runs the schema engine, so
// it is pointed at /bin/false: nothing is downloaded.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const flavors = { sqlite: "sqlite", postgres: "postgresql" };

export function schemaFor(flavor) {
  const provider = flavors[flavor];
  const out = source
    .replace(/(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, `$1"${provider}"`)
    .replace(/output\s*=\s*"[^"]*"/, `output   = "../../../lib/db/generated/${flavor}"`);
  if (!out.includes(`provider = "${provider}"`)) throw new Error(`could not set provider ${provider}`);
  return `// GENERATED from prisma/schema.prisma by scripts/db-generate.mjs. Do not edit.\n${out}`;
}

export function writeSchemas() {
  const paths = {};
  for (const flavor of Object.keys(flavors)) {
    const dir = path.join(root, "prisma/generated", flavor);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "schema.prisma");
    const text = schemaFor(flavor);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
    paths[flavor] = file;
  }
  return paths;
}

// The client is regenerated only when its schema or Prisma changed: rewriting it on every build
// would pull the generated types out from under a typecheck running beside the build.
const stamp = (file) =>
  crypto
    .createHash("sha256")
    .update(fs.readFileSync(file))
    .update(fs.readFileSync(path.join(root, "node_modules/prisma/package.json")))
    .digest("hex");

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = writeSchemas();
  for (const [flavor, file] of Object.entries(paths)) {
    const stampFile = path.join(root, "lib/db/generated", flavor, ".schema-stamp");
    const want = stamp(file);
    if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === want) continue;
    execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", file], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    fs.writeFileSync(stampFile, want);
    console.log(`prisma client generated for ${flavor}`);
  }
}
