// @riskpulse/client: the RiskPulse real-time client for Node ≥ 20 and browsers. The message
// types come from the server's own protocol module (lib/contract), bundled into this package.
export { connect, type ConnectOptions, type LiveClient } from "./connect";
export {
  ChannelConnection,
  browserSources,
  ALL_TRANSPORTS,
  type ChannelSources,
  type ConnectionTarget,
  type SocketLike,
  type SourceFactory,
} from "./connection";
export { applyDashboardMessage, type Applied } from "./dashboard-state";
export { endpoint, SAME_ORIGIN, type Endpoint } from "./endpoint";
export { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "./options";
export { PollSource } from "./sources/poll-source";
export type { Source, SourceEvents, SourceName } from "./sources/source";
export { INITIAL_STATUS, type LiveState, type LiveStatus } from "./status";
export { isTerminal, type Code, type ErrorData } from "../../../lib/contract/codes";
export { CHANNELS } from "../../../lib/contract/channels";
export type {
  ChannelMessages,
  ChannelName,
  DashboardPatch,
  DashboardUpdate,
  Envelope,
  Message,
  MessageType,
  SnapshotMessage,
} from "../../../lib/contract/protocol";
export { statusStore } from "./status-store";
