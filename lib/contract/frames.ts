// One builder per frame kind, used by every transport and by both log backends: the envelope
// (and its JSON text), the SSE event, the plain WebSocket message and its refusal, the Socket.IO
// handshake refusal. Nothing else builds wire text, so a change to the contract is made here once.
// Imports nothing server-side (the browser uses the types).
import { CODES, closeCodeOf, errorData, type Code, type ErrorData } from "./codes";
import type { Envelope } from "./protocol";

/**
 * An envelope: `{type, id, timestamp, data}` in this key order (the order every transport's
 * text has). `timestamp` defaults to now.
 */
export function envelope<T extends string, D>(type: T, id: string, data: D, timestamp: string = new Date().toISOString()): Envelope<T, D> {
  return { type, id, timestamp, data };
}

/**
 * An envelope's JSON text from its data's JSON text as stored (a Redis stream entry), so stored
 * data is not parsed and serialised again for every read. Same text as JSON.stringify(envelope(…)).
 */
export function envelopeJson(type: string, id: string, timestamp: string, dataJson: string): string {
  return `{"type":${JSON.stringify(type)},"id":${JSON.stringify(id)},"timestamp":${JSON.stringify(timestamp)},"data":${dataJson}}`;
}

/** An SSE event for an envelope (`json`: its JSON text): `event: <type>`, `id: <id>`, `data: <json>`. */
export function sseEvent(env: Pick<Envelope, "type" | "id">, json: string): string {
  return `event: ${env.type}\nid: ${env.id}\ndata: ${json}\n\n`;
}

/** An SSE comment line (heartbeats: proxies see traffic, clients see nothing). */
export const sseComment = (text: string): string => `: ${text}\n\n`;

/** The SSE `retry:` hint: how long a browser waits before it reconnects on its own. */
export const sseRetry = (ms: number): string => `retry: ${ms}\n\n`;

/**
 * A plain WebSocket message for an envelope (`json`: its JSON text). The original clients read
 * `error` and `code` at the top level of an error (README "Plain WebSocket"), so an error carries
 * them beside the envelope's fields; `clientId` names the connection (the quota console's
 * messages, as the original did).
 */
export function plainWebSocketMessage(env: Envelope, json: string, clientId?: string): string {
  if (env.type !== "error" && clientId === undefined) return json;
  // The envelope's own text with client_id last: the same text as below, without serialising the data again per connection.
  if (env.type !== "error") return `${json.slice(0, -1)},"client_id":${JSON.stringify(clientId)}}`;
  const top = env.type === "error" ? { error: (env.data as ErrorData).error, code: (env.data as ErrorData).code } : {};
  return JSON.stringify({
    type: env.type,
    id: env.id,
    timestamp: env.timestamp,
    ...top,
    data: env.data,
    ...(clientId === undefined ? {} : { client_id: clientId }),
  });
}

/**
 * A plain WebSocket refusal, sent before any envelope (no id yet): the error, then the close code
 * 4000 + the code's HTTP status with the code as reason (a browser cannot read an HTTP refusal of
 * an upgrade).
 */
export function plainWebSocketRefusal(
  code: Code,
  message: string = CODES[code].message,
): { text: string; closeCode: number; reason: string } {
  const data = errorData(code, message);
  return {
    text: JSON.stringify({ type: "error", timestamp: new Date().toISOString(), error: message, code, data }),
    closeCode: closeCodeOf(code),
    reason: code,
  };
}

/** What a refused Socket.IO handshake carries (`connect_error`'s `err.data`). */
export function socketIoRefusal(code: Code, error: string = CODES[code].message): { code: Code; status: number; error: string } {
  return { code, status: CODES[code].status, error };
}
