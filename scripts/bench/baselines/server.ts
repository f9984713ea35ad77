// The benchmark's baselines: a bare Socket.IO server and a bare `ws` server on the same machine,
// driven by the same load generator with the same payload, so RiskPulse's fan-out figures are
// read as ratios against what the libraries alone cost here. Each round is one POST /trigger
// whose body is the envelope to broadcast; the answer says how long the broadcast loop took (the
// server's own part: from the emit to the last socket's write returning).
//   node --import tsx scripts/bench/baselines/server.ts <socketio|ws> <port>
import http from "node:http";
import { Server } from "socket.io";
import { WebSocketServer } from "ws";

const [kind, portArg] = process.argv.slice(2);
if (kind !== "socketio" && kind !== "ws") throw new Error("usage: server.ts <socketio|ws> <port>");

const server = http.createServer();
let broadcast: (text: string) => number;
if (kind === "socketio") {
  const io = new Server(server, { perMessageDeflate: false, transports: ["websocket"], serveClient: false });
  const nsp = io.of("/dashboard");
  // As a Socket.IO app would: emit the parsed envelope, Socket.IO encodes it once for everyone.
  broadcast = (text) => {
    const env = JSON.parse(text) as { type: string };
    const t0 = performance.now();
    nsp.emit(env.type, env);
    return performance.now() - t0;
  };
} else {
  const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
  // As a bare `ws` app would: one JSON.stringify, the same string sent to each client.
  broadcast = (text) => {
    const t0 = performance.now();
    const frame = JSON.stringify(JSON.parse(text));
    for (const c of wss.clients) c.send(frame);
    return performance.now() - t0;
  };
}

server.on("request", (req, res) => {
  if (req.method !== "POST" || req.url !== "/trigger") return void res.writeHead(404).end();
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    const loop_ms = broadcast(body);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ loop_ms }));
  });
});
server.listen(Number(portArg), "127.0.0.1", () => process.send?.({ ready: true }));
