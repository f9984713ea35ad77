#!/usr/bin/env node
// Builds @riskpulse/client into dist/: ESM for Node ≥ 20 and browsers (esbuild; the entry points
// share one chunk, so "." and "./react" hold the same connection and status store) and one
// bundled .d.ts per entry point (dts-bundle-generator), with the protocol types of the server's
// own lib/contract inlined. Run on `npm install` (the root postinstall), by `npm run build`, and
// before packing.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import dts from "dts-bundle-generator";

const dir = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(dir, "dist");
const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
const entries = { index: "src/index.ts", react: "src/react.ts" };

fs.rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: dir,
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(dir, file)])),
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // Dependencies stay imports (the app and users install them once); react is a peer.
  external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})],
  chunkNames: "shared-[hash]",
  logLevel: "warning",
});
// One self-contained file for a plain <script type="module"> page (examples/wallboard.html): the
// client and its dependencies, nothing to resolve.
await build({
  absWorkingDir: dir,
  entryPoints: [path.join(dir, "src/index.ts")],
  outfile: path.join(dist, "riskpulse-client.browser.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "warning",
});
const types = dts.generateDtsBundle(
  Object.values(entries).map((file) => ({ filePath: path.join(dir, file), output: { noBanner: true, exportReferencedTypes: false } })),
  { preferredConfigPath: path.join(dir, "tsconfig.json") },
);
Object.keys(entries).forEach((name, i) => fs.writeFileSync(path.join(dist, `${name}.d.ts`), types[i]));
console.log(`@riskpulse/client built: ${fs.readdirSync(dist).join(", ")}`);
