// The REST API reference: GET /api/openapi.json rendered by Scalar from the app's own copy of the
// viewer (./scalar.js/route.ts). A plain HTML page rather than a React one: the viewer owns its
// DOM, which React's hydration would otherwise take back. Its scripts carry the nonce of the CSP
// proxy.ts puts on this response; nothing is loaded from elsewhere (no web fonts, no telemetry,
// no request proxy).
import type { NextRequest } from "next/server";

export const dynamic = "force-dynamic";

const CONFIG = {
  url: "/api/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  // Scalar's hosted extras (AI agent, MCP, the toolbar it shows on localhost) live on its servers.
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
};

export function GET(req: NextRequest) {
  const nonce = req.headers.get("content-security-policy")?.match(/'nonce-([A-Za-z0-9+/=]+)'/)?.[1] ?? "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · RiskPulse</title>
<link rel="icon" href="/icon.svg">
</head>
<body>
<div id="reference"></div>
<script nonce="${nonce}" src="/docs/api/scalar.js"></script>
<script nonce="${nonce}">Scalar.createApiReference("#reference", ${JSON.stringify(CONFIG)});</script>
</body>
</html>
`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
