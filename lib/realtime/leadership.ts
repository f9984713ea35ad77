// Who computes what is computed once for everyone (dashboard patches, quota stats). Embedded
// mode: this instance, always. Cluster mode: whoever holds the lease in Redis (cluster/lease.ts).
export interface Leadership {
  start(onChange: (leader: boolean) => void): Promise<void>;
  stop(): Promise<void>;
  readonly isLeader: boolean;
}

/** Embedded mode's leadership: this instance leads from start() until stop(). */
export class SoloLeadership implements Leadership {
  isLeader = false;
  async start(onChange: (leader: boolean) => void) {
    this.isLeader = true;
    onChange(true);
  }
  async stop() {
    this.isLeader = false;
  }
}
