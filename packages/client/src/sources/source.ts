import type { Code } from "../../../../lib/contract/codes";
import type { ChannelName, Message } from "../../../../lib/contract/protocol";

export type SourceName = "websocket" | "sse" | "polling";

/** What a source reports to the connection manager. */
export interface SourceEvents<C extends ChannelName> {
  open(): void;
  message(env: Message<C>): void;
  /** The source failed or dropped; `terminal` when retrying cannot help (isTerminal(code)). */
  fail(error: string, terminal?: Code): void;
  /** What was missed could not be replayed: refetch state another way. */
  resync(): void;
}

export interface Source {
  readonly name: SourceName;
  /** Starts (or restarts) delivery after the last envelope id the page has seen. */
  start(lastId: string | null): void;
  stop(): void;
  readonly live: boolean;
}
