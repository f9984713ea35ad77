// The per-risk messages (README "Real-time protocol", risks): after a risk or mitigation write
// commits, the instance that made it reads the risk (or mitigation) as it is now and appends
// `risk_change`, `score_point`, `mitigation_change` or `risk_deleted` to the dashboard's log —
// durable and resumable like a patch, and read by every instance in cluster mode (so a change on
// one reaches a subscriber on another). Only local events: the other instances get the same
// event over the bus, and logging it once is enough. One event at a time, in the order they came,
// so a slow read cannot put an older state after a newer one.
import "server-only";
import type { MitigationChange, RiskDetail } from "../../contract/protocol";
import type { Origin } from "../../domain/bus";
import type { DomainEvent } from "../../domain/events";
import type { MitigationDto } from "../../domain/mitigations";
import type { Logger } from "../../log";
import type { Channel } from "../channel";

/** Where the feed reads a risk and a mitigation as they are now (the app's services; null: gone). */
export interface RiskSource {
  detail(id: number): Promise<RiskDetail | null>;
  mitigation(id: number): Promise<MitigationDto | null>;
  /** May a signed-in user read this risk (GET /api/v1/risks/:id's rule: it exists)? */
  exists(id: number): Promise<boolean>;
}

/** Turns this instance's risk and mitigation events into the risks' messages on the dashboard log. */
export class RiskFeed {
  private chain: Promise<void> = Promise.resolve();
  /** Messages published (a figure for tests and stats). */
  published = 0;

  constructor(
    private deps: {
      channel: Channel<"dashboard">;
      source: RiskSource;
      log: Logger;
    },
  ) {}

  /** A bus subscriber. */
  onEvent = (event: DomainEvent, origin: Origin): void => {
    if (origin !== "local" || (event.type !== "risk.changed" && event.type !== "mitigation.changed")) return;
    this.chain = this.chain
      .then(() => this.handle(event))
      .catch((err: unknown) => this.deps.log.warn({ err, event: event.type }, "could not publish a risk's live message"));
  };

  /** Resolves once every event received so far is published (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async publish(...args: Parameters<Channel<"dashboard">["publish"]>) {
    await this.deps.channel.publish(...args);
    this.published++;
  }

  private async handle(event: Extract<DomainEvent, { type: "risk.changed" | "mitigation.changed" }>) {
    const { source } = this.deps;
    if (event.type === "risk.changed") {
      if (event.change === "deleted") return this.publish("risk_deleted", { risk_id: event.riskId });
      const detail = await source.detail(event.riskId);
      if (!detail) return; // deleted meanwhile: its own event says so
      const { score_history, ...risk } = detail;
      await this.publish("risk_change", { risk_id: risk.id, change: event.change, risk });
      const point = score_history.at(-1);
      if (point && (event.change === "created" || event.before?.score !== event.after?.score))
        await this.publish("score_point", { risk_id: risk.id, score: point.score, recorded_at: point.recorded_at });
      return;
    }
    const { mitigationId, change } = event;
    const moved = event.before && event.after && event.before.riskId !== event.after.riskId ? event.before.riskId : null;
    if (moved !== null)
      await this.publish("mitigation_change", { risk_id: moved, change: "deleted", mitigation_id: mitigationId, mitigation: null });
    const mitigation = change === "deleted" ? null : await source.mitigation(mitigationId);
    if (change !== "deleted" && !mitigation) return; // deleted meanwhile
    const data: MitigationChange = {
      risk_id: mitigation?.risk_id ?? event.riskId,
      change: moved !== null ? "created" : change,
      mitigation_id: mitigationId,
      mitigation,
    };
    await this.publish("mitigation_change", data);
  }
}
