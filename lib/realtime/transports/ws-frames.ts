// Pre-encoded WebSocket frames for the plain WebSocket endpoints: a message's text is turned into
// its bytes, its frame header and (with WS_COMPRESSION=on) its permessage-deflate payload ONCE,
// and the same buffers are written to every socket that gets it — no per-socket JSON, Buffer,
// deflate or closure on the fan-out path. It is what socket.io-adapter does for a room broadcast
// (`wsPreEncodedFrame`, ws's `Sender.frame` + `sendFrame`), plus a shared compressed frame.
//
// Sharing one compressed frame is only possible because the server compresses every message from
// a fresh context (server_no_context_takeover): the bytes then depend on the message alone, not
// on what this socket was sent before, and a client that keeps its inflate context reads them as
// well (the server may always use less context than it is allowed). With context takeover
// (WS_COMPRESSION_CONTEXT_TAKEOVER=1) nothing can be shared: ws compresses per socket, each with
// its own deflate context (README "Performance" has both measured).
import "server-only";
import zlib from "node:zlib";
import { WebSocket } from "ws";

/** A frame as ws writes it (`WebSocket.Sender.frame`, untyped): the header and the payload, unmasked. */
export type FrameList = Buffer[];
interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): FrameList;
}
/** The parts of a ws socket's internals the shared write needs (what engine.io reads too). */
interface WsInternals {
  _sender?: { sendFrame?(list: FrameList, cb?: (err?: Error) => void): void; _state?: number; _queue?: unknown[] };
  _extensions?: Record<string, { params: Record<string, unknown> } | undefined>;
}

const Sender = (WebSocket as unknown as { Sender?: SenderStatic }).Sender;
/** ws's Sender state when it is neither compressing nor reading a blob: a frame written now keeps its place. */
const SENDER_IDLE = 0;
/** zlib cannot deflate raw with a window smaller than 2^9 (it would silently use 9): such a client gets frames uncompressed. */
const MIN_WINDOW_BITS = 9;

/** The compression settings of the plain WebSocket endpoints (WS_COMPRESSION*). */
export interface CompressionSettings {
  enabled: boolean;
  /** Messages smaller than this (bytes of JSON) are never compressed. */
  threshold: number;
  /** ws compresses per socket, keeping each socket's context (nothing shared). */
  contextTakeover: boolean;
}

/** A message's encodings, made on first use and kept while the message is referenced. */
export interface Encoded {
  data: Buffer;
  plain?: FrameList;
  /** The compressed frame per server window size the clients negotiated (almost always just 15). */
  deflated?: Map<number, FrameList | null>;
}

/**
 * The ws server options for these settings (`perMessageDeflate`): off, or on with
 * server_no_context_takeover negotiated (unless context takeover is asked for) and the threshold.
 */
export function perMessageDeflateOptions(s: CompressionSettings): false | Record<string, unknown> {
  if (!s.enabled) return false;
  return {
    // Without context takeover ws itself never compresses (its threshold is out of reach): the
    // shared frames do, once per message, with the real threshold. With it, ws compresses every
    // message per socket (its threshold only applies without context takeover).
    threshold: s.contextTakeover ? s.threshold : Number.MAX_SAFE_INTEGER,
    serverNoContextTakeover: !s.contextTakeover,
    // A client's commands are small; not keeping their context spares a window per socket.
    clientNoContextTakeover: true,
  };
}

/** A compressed payload as permessage-deflate carries it: fresh context, sync-flushed, the 00 00 ff ff tail removed. */
function deflateOnce(data: Buffer, windowBits: number): Buffer {
  const out = zlib.deflateRawSync(data, { windowBits, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

/**
 * Shares each message's frames among the sockets it is written to. `key`: the object the text
 * belongs to (the delivered message as a view has it), so a message filtered once per set of
 * sections is also encoded once per set.
 */
export class SharedFrames {
  private cache = new WeakMap<object, Encoded>();
  /** Messages encoded, and compressed frames made: figures that show the sharing works. */
  readonly counts = { encoded: 0, deflated: 0 };

  constructor(private settings: CompressionSettings) {}

  /** A text's bytes, kept with `key` for every later socket (null: for one write only). */
  encode(key: object | null, text: string): Encoded {
    let e = key && this.cache.get(key);
    if (!e) {
      e = { data: Buffer.from(text) };
      if (key) this.cache.set(key, e);
      this.counts.encoded++;
    }
    return e;
  }

  /**
   * The frame this socket gets (made on first use, then shared): compressed when it negotiated
   * deflate and the message is at least the threshold; null when ws offers no frame builder.
   */
  frameFor(e: Encoded, ws: unknown): FrameList | null {
    const raw = ws as WsInternals;
    if (!Sender) return null;
    const deflate = this.settings.enabled ? raw._extensions?.["permessage-deflate"] : undefined;
    if (deflate && e.data.length >= this.settings.threshold) {
      const bits = deflate.params.server_max_window_bits;
      const windowBits = typeof bits === "number" ? bits : zlib.constants.Z_DEFAULT_WINDOWBITS;
      if (windowBits >= MIN_WINDOW_BITS) {
        e.deflated ??= new Map();
        let f = e.deflated.get(windowBits);
        if (f === undefined) {
          const z = deflateOnce(e.data, windowBits);
          // Text that does not shrink goes as it is.
          f = z.length < e.data.length ? Sender.frame(z, { fin: true, rsv1: true, opcode: 1, mask: false, readOnly: false }) : null;
          e.deflated.set(windowBits, f);
          this.counts.deflated++;
        }
        if (f) return f;
      }
    }
    return (e.plain ??= Sender.frame(e.data, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }));
  }

  /**
   * Writes `text` (the message `key` as this socket sees it; null: a text for this socket only,
   * not kept) to an open socket; `done` runs once it has left for the network (or failed). With
   * context takeover ws compresses it for this socket.
   */
  send(ws: WebSocket, key: object | null, text: string, done: (err?: Error) => void): void {
    const raw = ws as unknown as WsInternals;
    if (this.settings.enabled && this.settings.contextTakeover) return ws.send(text, done);
    const e = this.encode(key, text);
    const sender = raw._sender;
    const frame = sender?.sendFrame && sender._state === SENDER_IDLE && !sender._queue?.length ? this.frameFor(e, raw) : null;
    // Something is queued inside ws (never on this path, but keep its order if so): hand it the bytes, uncompressed.
    if (!frame) return ws.send(e.data, { binary: false, compress: false }, done);
    sender!.sendFrame!(frame, done);
  }
}
