// The plain WebSocket's shared frames (lib/realtime/transports/ws-frames.ts) against real `ws`
// clients: one message encoded — and with WS_COMPRESSION compressed — once, written to every
// socket, read back as the same text by a client that negotiated deflate (at the default window
// or a smaller one) and by one that did not, message after message.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { plainWebSocketMessage } from "../../lib/contract/frames";
import { perMessageDeflateOptions, SharedFrames } from "../../lib/realtime/transports/ws-frames";
import { until } from "../support/socket";

describe("shared WebSocket frames", () => {
  const settings = { enabled: true, threshold: 256, contextTakeover: false };
  const frames = new SharedFrames(settings);
  let wss: WebSocketServer;
  const served: WebSocket[] = [];
  const clients: { name: string; ws: WebSocket; got: string[]; extensions: string }[] = [];

  before(async () => {
    wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: perMessageDeflateOptions(settings) });
    wss.on("connection", (ws) => served.push(ws));
    await new Promise((r) => wss.once("listening", r));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    for (const [name, perMessageDeflate] of [
      ["deflate", true],
      ["deflate, server window 2^10", { serverMaxWindowBits: 10 }],
      ["no deflate", false],
    ] as const) {
      const ws = new WebSocket(url, { perMessageDeflate });
      const c = { name, ws, got: [] as string[], extensions: "" };
      ws.once("upgrade", (res) => (c.extensions = String(res.headers["sec-websocket-extensions"] ?? "")));
      ws.on("message", (raw) => c.got.push(raw.toString()));
      await new Promise((r) => ws.once("open", r));
      clients.push(c);
    }
    await until(() => served.length === clients.length, 5000, "the server to see every client");
  });
  after(() => {
    clients.forEach((c) => c.ws.terminate());
    wss.close();
  });

  it("writes one encoding of each message to every socket; deflating and plain clients read the same text", async () => {
    assert.match(clients[0]!.extensions, /permessage-deflate.*server_no_context_takeover/);
    assert.match(clients[1]!.extensions, /server_max_window_bits=10/);
    assert.equal(clients[2]!.extensions, "");
    const big = (n: number) =>
      JSON.stringify({
        type: "dashboard_update",
        id: `${n}-0.e`,
        data: { rows: Array.from({ length: 60 }, (_, i) => ({ i, n, t: "risk" })) },
      });
    const small = (n: number) => JSON.stringify({ type: "dashboard_patch", id: `${n}-1.e`, data: { version: n } });
    const sent: string[] = [];
    for (let n = 1; n <= 5; n++) {
      for (const text of [big(n), small(n)]) {
        const key = { text }; // the message object every socket gets
        sent.push(text);
        for (const ws of served) frames.send(ws, key, text, () => {});
      }
    }
    await until(() => clients.every((c) => c.got.length === sent.length), 5000, "every client to read every message");
    for (const c of clients) assert.deepEqual(c.got, sent, c.name);
    assert.equal(frames.counts.encoded, sent.length, "each message encoded once for all three sockets");
    assert.equal(frames.counts.deflated, 5 * 2, "each large message compressed once per window size, the small ones never");
  });

  it("names the quota console's connection without serialising the message again, as the full builder does", () => {
    const env = { type: "stats", id: "1-0.e", timestamp: "2026-12-04T00:00:00.000Z", data: { a: [1, { b: 'c"' }] } };
    assert.equal(plainWebSocketMessage(env, JSON.stringify(env), "client-1"), JSON.stringify({ ...env, client_id: "client-1" }));
  });
});
