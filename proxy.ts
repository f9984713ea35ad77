// Runs before every page render (not API routes or static files): a fresh CSP nonce per page.
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "@/lib/http/csp";

export function proxy(request: NextRequest) {
  // NODE_ENV is a build-time constant here (Next inlines it), not a runtime setting.
  // eslint-disable-next-line no-restricted-properties
  const policy = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy); // Next reads the nonce from here while rendering
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|socket\\.io|_next/static|_next/image|favicon\\.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
