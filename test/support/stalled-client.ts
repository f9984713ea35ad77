// A Socket.IO client that joins a namespace over a raw TCP WebSocket and then never reads
// again: the slowest possible reader, for slow-client tests. (A socket.io-client connection
// cannot be stalled: its WebSocket library resumes the socket on its own.)
import crypto from "node:crypto";
import net from "node:net";

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("frame too long for this helper");
  const mask = crypto.randomBytes(4);
  const head = Buffer.from([0x81, 0x80 | payload.length]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

export async function stalledClient(port: number, namespace: string, token: string): Promise<net.Socket> {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", resolve);
    sock.once("error", reject);
  });
  sock.write(
    [
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      `Authorization: Bearer ${token}`,
      "",
      "",
    ].join("\r\n"),
  );
  // Read just the handshake and the engine.io "open" packet, then join the namespace.
  await new Promise<void>((resolve) => sock.once("data", () => resolve()));
  sock.write(maskedTextFrame(`40${namespace},`));
  await new Promise((r) => setTimeout(r, 200));
  sock.pause(); // from now on, nothing is read
  return sock;
}
