// Client → server commands over Socket.IO, shared by both namespaces: each answers by an
// event and through the acknowledgement callback when the client passed one. Anything
// unknown or malformed gets an `error` message, is logged, and changes nothing.
import type { Socket } from "socket.io";
import type { Logger } from "../log";
import type { Channel } from "./channel";
import type { Envelope } from "./envelope";

export type Ack = (reply: Envelope) => void;
export type Command = (socket: Socket, reply: (env: Envelope) => void) => void | Promise<void>;

function ackOf(args: unknown[]): Ack | undefined {
  const last = args.at(-1);
  return typeof last === "function" ? (last as Ack) : undefined;
}

export function sendError(socket: Socket, channel: Channel, error: string, code: string, ack?: Ack): void {
  const env = channel.direct("error", { error, code });
  socket.emit("error", env);
  ack?.(env);
}

export function handleCommands(socket: Socket, channel: Channel, commands: Record<string, Command>, log: Logger): void {
  for (const [name, run] of Object.entries(commands)) {
    socket.on(name, async (...args: unknown[]) => {
      const ack = ackOf(args);
      const reply = (env: Envelope) => {
        socket.emit(env.type, env);
        ack?.(env);
      };
      try {
        await run(socket, reply);
      } catch (err) {
        log.error({ err, command: name }, "socket command failed");
        sendError(socket, channel, "command failed, try again", "internal", ack);
      }
    });
  }
  socket.onAny((event: string, ...args: unknown[]) => {
    if (event in commands) return;
    log.warn({ event: String(event).slice(0, 64), nsp: socket.nsp.name, user: socket.data.principal?.userId }, "unknown socket command");
    sendError(socket, channel, `unknown command: ${String(event).slice(0, 64)}`, "unknown_command", ackOf(args));
  });
}
