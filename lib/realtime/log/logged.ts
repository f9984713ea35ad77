// A logged message as every part of the server passes it around: the envelope and its JSON text,
// serialised once and shared by every client and transport.
import type { Envelope } from "../../contract/protocol";

/** An envelope with its JSON text. */
export interface Logged<E extends Envelope = Envelope> {
  envelope: E;
  json: string;
}

/** Pairs an envelope with its JSON text (serialised here, once). */
export const logged = <E extends Envelope>(envelope: E): Logged<E> => ({ envelope, json: JSON.stringify(envelope) });
