#!/usr/bin/env node
// Bundles server.ts and the lib code it imports into dist/server.mjs for production. esbuild,
// not tsc: the app's imports are extensionless (bundler resolution), which Node's ESM loader
// cannot resolve, and the generated Prisma client is TypeScript. npm packages stay external,
// except `server-only`, whose main file throws outside Next's react-server bundles by design.
import { build } from "esbuild";

const serverOnly = {
  name: "server-only",
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "", loader: "js" }));
  },
};

await build({
  entryPoints: ["server.ts", "scripts/user.ts"],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  plugins: [serverOnly],
  sourcemap: true,
  tsconfig: "tsconfig.json",
  logLevel: "warning",
  // CommonJS dependencies inside the bundle may call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
console.log("server bundled: dist/server.mjs, dist/scripts/user.mjs");
