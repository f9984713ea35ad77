// Socket.IO's in-memory adapter with WS_COMPRESSION=on: a room broadcast is encoded once and its
// permessage-deflate frame made once (ws-frames.ts), then written to every WebSocket socket as
// the library writes its own pre-encoded frame (`wsPreEncodedFrame`): compressed for sockets that
// negotiated deflate, plain for the others; a polling socket ignores the frame and is written as
// usual. socket.io-adapter alone can only share an uncompressed frame, and engine.io gives even
// that up when it compresses (each socket then encodes and deflates on its own, with its own
// deflate context).
import "server-only";
import { Adapter, type BroadcastOptions } from "socket.io-adapter";
import type { FrameList, SharedFrames } from "../ws-frames";

/** What the broadcast reads of a Socket.IO socket (socket.io's own fields, untyped here). */
interface RoomSocket {
  conn: { transport: { name: string; socket?: unknown } };
  client: { writeToEngine(encoded: unknown[], opts: object): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}
/** The adapter's own parts this class reaches: its encoder and its room filter (private in the typings). */
interface AdapterInternals {
  encoder: { encode(packet: unknown): unknown[] };
  apply(opts: BroadcastOptions, each: (socket: RoomSocket) => void): void;
}

/** The adapter class for `new Server(…, { adapter })`, sharing `frames`' encodings. */
export function sharedFrameAdapter(frames: SharedFrames): typeof Adapter {
  return class SharedFrameAdapter extends Adapter {
    override broadcast(packet: { nsp?: string }, opts: BroadcastOptions): void {
      const self = this as unknown as AdapterInternals;
      packet.nsp = this.nsp.name;
      const encoded = self.encoder.encode(packet);
      // Binary attachments make several packets: nothing to share, the library does it.
      if (encoded.length !== 1 || typeof encoded[0] !== "string") return super.broadcast(packet, opts);
      const flags = opts.flags ?? {};
      const base = { preEncoded: true, volatile: flags.volatile, compress: flags.compress };
      // "4": the engine.io message packet the socket.io packet travels in.
      const e = frames.encode(null, `4${encoded[0]}`);
      const byFrame = new Map<FrameList | null, object>();
      self.apply(opts, (socket) => {
        const t = socket.conn.transport;
        const frame = t.name === "websocket" ? frames.frameFor(e, t.socket) : null;
        let packetOpts = byFrame.get(frame);
        if (!packetOpts) byFrame.set(frame, (packetOpts = frame ? { ...base, wsPreEncodedFrame: frame } : base));
        socket.notifyOutgoingListeners?.(packet);
        socket.client.writeToEngine(encoded, packetOpts);
      });
    }
  };
}
