#!/usr/bin/env node
// Runs the user CLI (scripts/user.ts, bundled by `npm run build` into dist/scripts/user.mjs),
// building first when there is no build yet.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "dist/scripts/user.mjs");
if (!fs.existsSync(cli)) execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: ["ignore", 2, 2] });
const r = spawnSync(process.execPath, ["--enable-source-maps", cli, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
