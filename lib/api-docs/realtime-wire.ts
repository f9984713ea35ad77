// The real-time protocol's wire shapes by name, straight from lib/contract/protocol.ts, for
// scripts/api-schemas.mjs (JSON Schema) and so for the AsyncAPI document. Types only.
import type {
  ChannelMessages,
  Envelope,
  PlainCommand,
  PollAnswer,
  SocketAuth,
  SubscribeArgs,
  SubscribeRiskArgs,
  UpdateArgs,
  UpdateRiskArgs,
} from "../contract/protocol";

/** The real-time protocol (lib/contract/protocol.ts), for the AsyncAPI document. */
export interface RealtimeWire {
  envelope: Envelope;
  messages: ChannelMessages;
  socketAuth: SocketAuth;
  plainCommand: PlainCommand;
  subscribeArgs: SubscribeArgs;
  updateArgs: UpdateArgs;
  updateRiskArgs: UpdateRiskArgs;
  subscribeRiskArgs: SubscribeRiskArgs;
  poll: { dashboard: PollAnswer<"dashboard">; quotas: PollAnswer<"quotas"> };
}
