// Every live connection on this instance (Socket.IO, plain WebSocket, SSE), whatever its
// channel: admitted under the caps (MAX_CONNECTIONS per channel, MAX_CONNECTIONS_PER_USER per
// user), and kept only while its credential holds. When an event says a token was revoked, a
// session ended or a user changed, the affected connections re-check their credential at once
// and close — or, demoted, leave admin channels — with a terminal code; a session or token
// reaching its expiry closes within a second; and every connection is re-checked once a minute anyway (the
// safety net for changes no event announced).
import "server-only";
import type { AuthResult, Principal } from "../auth/principal";
import type { DomainEvent } from "../domain/events";
import type { Logger } from "../log";
import { CODES, type Code } from "../contract/codes";
import { CHANNELS } from "../contract/channels";
import type { ChannelName } from "../contract/protocol";

/** The transports a live connection can use (a poll is not a connection). */
export const TRANSPORTS = ["socket.io", "websocket", "sse"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A live connection as the registry keeps it (transport-core.ts makes one per admitted client). */
export interface Connection {
  readonly channel: ChannelName;
  readonly transport: Transport;
  principal: Principal;
  /** Re-resolves the credential the connection was opened with. */
  recheck(): Promise<AuthResult>;
  /** Tells the client why (when the transport can) and closes. */
  close(code: Code, message?: string): void;
}

export interface RegistryOptions {
  /** MAX_CONNECTIONS: every channel has the same cap (polling is not a connection). */
  maxPerChannel: Record<ChannelName, number>;
  maxPerUser: number;
  log: Logger;
  now?: () => number;
  recheckEveryMs?: number;
}

/** Every live connection of this instance: caps at admission, credentials kept checked. */
export class ConnectionRegistry {
  private all = new Set<Connection>();
  private byUser = new Map<number, Set<Connection>>();
  private perChannel = new Map<ChannelName, number>();
  private timers: NodeJS.Timeout[] = [];
  /** Connections closed because their credential stopped being valid, by code. */
  closedByAuth: Partial<Record<Code, number>> = {};
  refused: Partial<Record<Code, number>> = {};

  constructor(private opts: RegistryOptions) {}

  start(): void {
    const expiry = setInterval(() => this.expire(), 1000);
    const recheck = setInterval(() => void this.recheckAll(), this.opts.recheckEveryMs ?? 60_000);
    expiry.unref();
    recheck.unref();
    this.timers.push(expiry, recheck);
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  private now() {
    return this.opts.now?.() ?? Date.now();
  }

  /** What a refusal says, in words. */
  refusalMessage(code: Code, channel: ChannelName): string {
    const c = CHANNELS[channel];
    if (code === "forbidden") return `forbidden: the ${c.namespace} channel is for ${c.role}s only`;
    if (code === "capacity")
      return `too many connections: this instance serves at most ${this.opts.maxPerChannel[channel]} ${channel === "quotas" ? "quota-console" : "dashboard"} clients; retry later or use another instance`;
    if (code === "user_connection_limit")
      return `too many live connections for this user: at most ${this.opts.maxPerUser} per instance; close a tab or retry later`;
    return CODES[code].message;
  }

  /** Would a connection be admitted? (A refusal code, or null.) Checked and added in one step by admit(). */
  check(channel: ChannelName, principal: Principal): Code | null {
    const role = CHANNELS[channel].role;
    if (role && principal.role !== role) return "forbidden";
    const max = this.opts.maxPerChannel[channel];
    if ((this.perChannel.get(channel) ?? 0) >= max) return "capacity";
    if ((this.byUser.get(principal.userId)?.size ?? 0) >= this.opts.maxPerUser) return "user_connection_limit";
    return null;
  }

  /** Admits the connection, or says why not. Synchronous, so concurrent handshakes cannot both slip past a cap. */
  admit(conn: Connection): Code | null {
    const refusal = this.check(conn.channel, conn.principal);
    if (refusal) {
      this.refused[refusal] = (this.refused[refusal] ?? 0) + 1;
      return refusal;
    }
    this.all.add(conn);
    this.perChannel.set(conn.channel, (this.perChannel.get(conn.channel) ?? 0) + 1);
    const mine = this.byUser.get(conn.principal.userId) ?? new Set();
    mine.add(conn);
    this.byUser.set(conn.principal.userId, mine);
    return null;
  }

  remove(conn: Connection): void {
    if (!this.all.delete(conn)) return;
    this.perChannel.set(conn.channel, (this.perChannel.get(conn.channel) ?? 1) - 1);
    const mine = this.byUser.get(conn.principal.userId);
    mine?.delete(conn);
    if (mine?.size === 0) this.byUser.delete(conn.principal.userId);
  }

  count(channel?: ChannelName, transport?: Transport): number {
    if (!channel && !transport) return this.all.size;
    let n = 0;
    for (const c of this.all) if ((!channel || c.channel === channel) && (!transport || c.transport === transport)) n++;
    return n;
  }

  /** The bus subscriber (local and remote events alike). */
  onEvent = (e: DomainEvent): void => {
    switch (e.type) {
      case "token.revoked":
        this.recheckWhere((c) => c.principal.tokenId === e.tokenId);
        break;
      case "session.revoked":
        this.recheckWhere(
          (c) =>
            c.principal.userId === e.userId &&
            c.principal.via === "session" &&
            (e.sessionIds ? e.sessionIds.includes(c.principal.sessionId!) : c.principal.sessionId !== e.keep),
        );
        break;
      case "user.changed":
        this.recheckWhere((c) => c.principal.userId === e.userId);
        break;
    }
  };

  private recheckWhere(pred: (c: Connection) => boolean) {
    for (const c of [...this.all]) if (pred(c)) void this.recheck(c);
  }

  private async recheck(c: Connection): Promise<void> {
    let r: AuthResult;
    try {
      r = await c.recheck();
    } catch (err) {
      // The database is unreachable: keep the connection (it was valid), try again next round.
      this.opts.log.warn({ err }, "could not re-check a live connection's credential");
      return;
    }
    if (!this.all.has(c)) return;
    if (!r.ok) return this.closeForAuth(c, r.code);
    const role = CHANNELS[c.channel].role;
    if (role && r.principal.role !== role)
      return this.closeForAuth(c, "forbidden", `forbidden: the ${CHANNELS[c.channel].namespace} channel is for ${role}s only`);
    c.principal = r.principal;
  }

  private closeForAuth(c: Connection, code: Code, message?: string) {
    this.closedByAuth[code] = (this.closedByAuth[code] ?? 0) + 1;
    this.remove(c);
    try {
      c.close(code, message);
    } catch (err) {
      this.opts.log.warn({ err }, "closing a connection failed");
    }
  }

  private expire() {
    const now = this.now();
    for (const c of [...this.all])
      if (c.principal.expiresAt !== undefined && c.principal.expiresAt <= now)
        this.closeForAuth(c, c.principal.via === "token" ? "token_expired" : "session_expired");
  }

  async recheckAll(): Promise<void> {
    for (const c of [...this.all]) await this.recheck(c);
  }

  /** Shutdown: tell everyone and close. */
  closeAll(code: Code, message?: string): void {
    for (const c of [...this.all]) {
      this.remove(c);
      try {
        c.close(code, message);
      } catch {
        /* already gone */
      }
    }
  }
}
