// One webhook request: POST, through the SSRF guard (the address connected to is checked), with
// a connect timeout, a response timeout, a cap on the response body read, and no redirects (a
// 3xx is a failed attempt, never followed).
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";
import { BlockedTarget, blockedRange, guardedLookup } from "../domain/webhooks/ssrf";

export const RESPONSE_BODY_LIMIT = 64 * 1024;

export interface SendResult {
  statusCode: number;
}
export interface SendOptions {
  connectTimeoutMs: number;
  timeoutMs: number;
  allowHosts: ReadonlySet<string>;
}

/** Resolves with the response's status (any status); rejects on a refused target, a network error or a timeout. */
export function postJson(url: string, body: string, headers: Record<string, string>, opts: SendOptions): Promise<SendResult> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  // An IP literal never goes through `lookup`: check it here.
  if (ipaddr.isValid(host) && !opts.allowHosts.has(host)) {
    const range = blockedRange(host);
    if (range) return Promise.reject(new BlockedTarget(host, host, range));
  }
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, r?: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      if (err) reject(err);
      else resolve(r!);
    };
    const req = lib.request(u, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "RiskPulse-Webhooks/1",
        ...headers,
      },
      lookup: guardedLookup(host, opts.allowHosts),
      agent: false,
    });
    const total = setTimeout(() => req.destroy(new Error(`no response within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    const connect = setTimeout(() => req.destroy(new Error(`could not connect within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
    req.on("socket", (s) => s.once(u.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connect)));
    req.on("error", (e) => done(e));
    req.on("response", (res) => {
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > RESPONSE_BODY_LIMIT) res.destroy(); // enough: only the status counts
      });
      const finish = () => done(null, { statusCode: res.statusCode ?? 0 });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    });
    req.end(body);
  });
}
