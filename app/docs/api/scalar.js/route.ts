// Scalar's API reference viewer (@scalar/api-reference, its self-contained browser bundle), served
// by the app itself: /docs/api works offline and under the page CSP (script-src 'self' + nonce).
import fs from "node:fs/promises";
import path from "node:path";

export const dynamic = "force-dynamic";

// The server runs from the repository root (scripts/start.mjs, server.ts).
const BUNDLE = path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js");
let bundle: Promise<Buffer> | undefined;

export async function GET() {
  bundle ??= fs.readFile(BUNDLE);
  return new Response(new Uint8Array(await bundle), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
  });
}
