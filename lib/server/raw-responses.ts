// Route handlers never see the Node response their Web Response is written to, but the socket of
// an SSE client that stopped reading must be freed. Closing the stream politely leaves it open
// (its queued bytes wait for a reader that never comes); erroring it makes Next 16 destroy the
// socket today, and destroying it here by id makes sure of it whatever Next does with an errored
// body. server.ts registers each SSE request under an id it writes into the request (replacing
// any value a client sent). The count of open SSE sockets shows in the admin health view.
import type { ServerResponse } from "node:http";

export const CONN_HEADER = "x-riskpulse-conn";

export class RawResponses {
  private byId = new Map<string, ServerResponse>();
  private next = 0;

  add(res: ServerResponse): string {
    const id = String(++this.next);
    this.byId.set(id, res);
    // The socket, not the response: a response can end while its bytes still wait for a reader.
    (res.socket ?? res).once("close", () => this.byId.delete(id));
    return id;
  }

  destroy(id: string | null): void {
    if (!id) return;
    const res = this.byId.get(id);
    (res?.socket ?? res)?.destroy();
    this.byId.delete(id);
  }

  get size() {
    return this.byId.size;
  }
}
