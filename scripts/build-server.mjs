#!/usr/bin/env node
// Bundles server.ts and the lib code it imports into dist/server.mjs for production. esbuild,
// not tsc: the app's imports are extensionless (bundler resolution), which Node's ESM loader
// cannot resolve, and the generated Prisma client is TypeScript. npm packages stay external.
import { build } from "esbuild";

await build({
  entryPoints: ["server.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  tsconfig: "tsconfig.json",
  logLevel: "warning",
  // CommonJS dependencies inside the bundle may call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
console.log("server bundled: dist/server.mjs");
