// The pages' Content-Security-Policy: scripts only from this origin or carrying this response's
// nonce (Next puts it on its own scripts when it finds it in the request's policy), no eval in
// production, no plugins, no framing, forms and connections (WebSocket, SSE, REST) to this
// origin only. Inline style attributes stay allowed: components size bars and charts with them,
// and a style attribute cannot run code.
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: a fresh nonce per page response. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
