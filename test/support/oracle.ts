// Oracles for the delivery suites that the server cannot influence: the dashboard computed from
// a fresh read of the database (the full computation, not the feed's cached state), the writes
// the test itself made and saw acknowledged, and the other clients of the same channel. A change
// that never reaches the log — a dropped event, a wrong incremental step, a leader that never
// takes over — leaves the server's log and every client in agreement with each other, but not
// with these.
import { createDb } from "../../lib/db/client";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import { systemClock } from "../../lib/domain/time";
import { compareIds, cursorOf, parseId } from "../../lib/contract/ids";
import type { Envelope } from "../../lib/contract/protocol";
import type { StreamClient } from "../chaos/clients";
import { flavor } from "./flavor";
import { call } from "./http";
import { sleep } from "./socket";

/** The dashboard as a fresh full read of the database computes it (no version: that is the feed's). */
export async function databaseDashboard(databaseUrl: string) {
  const db = createDb(databaseUrl);
  try {
    return await computeSnapshot(db, systemClock, flavor);
  } finally {
    await db.$disconnect();
  }
}

/** JSON with object keys sorted: equal for equal values whatever order the keys were added in. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/**
 * Each client's dashboard against one fresh read of the database: a line per client that
 * differs. A day boundary (days_open, days_remaining) may fall between the server's last compute
 * and the read, so a difference is read again once before it counts.
 */
export async function dashboardProblems(databaseUrl: string, clients: StreamClient[]): Promise<string[]> {
  let problems: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const truth = await databaseDashboard(databaseUrl);
    problems = clients.flatMap((c) => {
      if (!c.state) return [`${c.name}: holds no dashboard`];
      const { version, ...held } = c.state;
      if (canonical(held) === canonical(truth)) return [];
      const keys = Object.keys(truth) as (keyof typeof truth)[];
      return [
        `${c.name}: v${version} differs from the database in ${keys.filter((k) => canonical(held[k]) !== canonical(truth[k])).join(", ")}`,
      ];
    });
    if (problems.length === 0) return [];
    await sleep(1000);
  }
  return problems;
}

/** Every logged message of a channel, paging through GET /api/v1/events/<channel>. */
export async function fullLog(base: string, token: string, channel: "dashboard" | "quotas"): Promise<Envelope[]> {
  const all: Envelope[] = [];
  let since = "0-0";
  for (;;) {
    const body = (await call(base, { token }, "GET", `/api/v1/events/${channel}?since=${encodeURIComponent(since)}`)).body;
    if (!body.messages?.length) return all;
    all.push(...body.messages);
    since = body.next;
  }
}

/**
 * The channel's log once it has stopped growing and every client holds its last message. A
 * patch can still be published after the writer's last acknowledged write (coalescing), so
 * "the last id now" is only an answer when a second read of the log still ends there; reading
 * the last id once and the log later let a late message land in the log but not yet in the
 * slowest clients (pollers), which the check then called lost.
 */
export async function settledLog(base: string, token: string, clients: StreamClient[], channel: "dashboard" | "quotas" = "dashboard") {
  const holds = (c: StreamClient, id: string | undefined) => !id || (c.lastId !== null && compareIds(cursorOf(c.lastId), id) >= 0);
  const deadline = Date.now() + 30_000;
  let log = await fullLog(base, token, channel);
  for (;;) {
    const last = log.at(-1)?.id;
    while (!clients.every((c) => holds(c, last))) {
      if (Date.now() > deadline) {
        const behind = clients.filter((c) => !holds(c, last)).map((c) => `${c.name} at ${c.lastId}`);
        throw new Error(`clients did not catch up with the log's ${last} in 30 s: ${behind.slice(0, 5).join("; ")}`);
      }
      await sleep(50);
    }
    const again = await fullLog(base, token, channel);
    if (again.at(-1)?.id === last && clients.every((c) => !last || cursorOf(c.lastId!) === last)) return again;
    if (Date.now() > deadline) throw new Error(`the ${channel} log kept growing after the writes stopped`);
    log = again;
  }
}

/**
 * Every client of a channel holds exactly the same logged envelopes from the point where all of
 * them were listening on (the latest first id among them).
 */
export function sameEnvelopes(clients: StreamClient[]): string[] {
  const logged = (c: StreamClient) => c.received.filter((e) => parseId(e.id)?.[2] === -1).map((e) => e.id);
  const starts = clients.map((c) => c.received[0]?.id).filter((x): x is string => !!x);
  if (starts.length < clients.length) return clients.filter((c) => !c.received.length).map((c) => `${c.name} received nothing`);
  const from = cursorOf(starts.reduce((a, b) => (compareIds(a, b) >= 0 ? a : b)));
  const sets = clients.map((c) => logged(c).filter((id) => compareIds(id, from) > 0));
  const reference = sets[0]!.join(",");
  return clients.flatMap((c, i) =>
    sets[i]!.join(",") === reference ? [] : [`${c.name} holds ${sets[i]!.length} envelopes, ${clients[0]!.name} ${sets[0]!.length}`],
  );
}

export interface Write {
  riskId: number;
  title: string;
  at: number;
}

export interface WriteTargets {
  /** The dashboard's top risks: they get titles (which patches must carry) and high likelihoods. */
  top: number[];
  /** Other open risks, with their impact: they get low likelihoods that keep them out of the top. */
  others: { id: number; impact: number }[];
  /** The lowest score in the top list when the targets were read. */
  topFloor: number;
}

/**
 * Changes risks every `everyMs` until stopped, in turn: a unique title on one of the dashboard's
 * top risks (a change some patch must carry), a low likelihood on another open risk (a change to
 * the figures), and a likelihood of 0.99 or 1 on a top risk (a score change inside the top list).
 * On stop, one last large change to the figures that no rounding hides. Records what was
 * acknowledged, and every failure with its time.
 */
export function writer(base: string, token: string, ids: WriteTargets, label: string, everyMs = 40) {
  let stop = false;
  const acknowledged: Write[] = [];
  const failures: { at: number; why: string }[] = [];
  let others = 0;
  const patch = async (id: number, body: object) => {
    const r = await call(base, { token }, "PATCH", `/api/v1/risks/${id}`, body).catch((e: Error) => ({ status: 0, body: e.message }));
    if (r.status !== 200) failures.push({ at: Date.now(), why: `PATCH ${id} → ${r.status} ${JSON.stringify(r.body).slice(0, 120)}` });
    return r.status === 200;
  };
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      const n = Math.floor(i / 3);
      if (i % 3 === 0) {
        const id = ids.top[n % ids.top.length]!;
        const title = `${label} write ${i}`;
        if (await patch(id, { title })) acknowledged.push({ riskId: id, title, at: Date.now() });
      } else if (i % 3 === 1) {
        // Low likelihoods keep the other risks out of the top 10, so the titled ones stay in it.
        if (await patch(ids.others[n % ids.others.length]!.id, { likelihood: (1 + (i % 7)) / 100 })) others++;
      } else if (await patch(ids.top[(n + 5) % ids.top.length]!, { likelihood: n % 2 ? 0.99 : 1 })) others++;
      await sleep(everyMs);
    }
    // The largest change to the score sum that keeps the risk below the top list.
    const big = ids.others.reduce((x, y) => (y.impact > x.impact ? y : x));
    const likelihood = Math.min(0.9, Math.floor(((ids.topFloor * 0.8) / (10 * big.impact)) * 100) / 100);
    if (await patch(big.id, { likelihood })) others++;
  })();
  return {
    acknowledged,
    failures,
    get made() {
      return acknowledged.length + others;
    },
    async stop() {
      stop = true;
      await done;
    },
  };
}

/**
 * The acknowledged title writes that no logged patch carries. A write is excused only when the
 * next write to the same risk was acknowledged before any patch was published after it (both
 * may then be in one patch, which shows only the later title).
 */
export function writesMissingFrom(log: Envelope[], writes: Write[]): Write[] {
  const patches = log
    .filter((m) => m.type === "dashboard_patch" || m.type === "dashboard_update")
    .map((m) => ({ at: Date.parse(m.timestamp), text: JSON.stringify(m.data) }));
  return writes.filter((w, i) => {
    if (patches.some((p) => p.text.includes(JSON.stringify(w.title)))) return false;
    const next = writes.slice(i + 1).find((x) => x.riskId === w.riskId);
    const firstAfter = patches.find((p) => p.at >= w.at)?.at;
    return !(next && firstAfter !== undefined && next.at <= firstAfter);
  });
}

/** The dashboard's top risks and other open risks, from the database. */
export async function riskIds(databaseUrl: string, base: string, token: string): Promise<WriteTargets> {
  const { top_risks } = await databaseDashboard(databaseUrl);
  const top = top_risks.map((r) => r.id);
  const open = (await call(base, { token }, "GET", "/api/v1/risks?status=open&page_size=60")).body.items as {
    id: number;
    impact: number;
  }[];
  return {
    top,
    others: open
      .filter((r) => !top.includes(r.id))
      .slice(0, 30)
      .map((r) => ({ id: r.id, impact: r.impact })),
    topFloor: Math.min(...top_risks.map((r) => r.score)),
  };
}

/** The ids of the violations stored from `first` on, in order. */
export async function violationIdsSince(databaseUrl: string, first: number): Promise<number[]> {
  const db = createDb(databaseUrl);
  try {
    return (await db.violation.findMany({ where: { id: { gte: first } }, orderBy: { id: "asc" }, select: { id: true } })).map((v) => v.id);
  } finally {
    await db.$disconnect();
  }
}

/** One dashboard against a fresh read of the database; null when they agree. */
export async function dashboardProblem(databaseUrl: string, state: StreamClient["state"]): Promise<string | null> {
  return (await dashboardProblems(databaseUrl, [{ name: "dashboard", state } as StreamClient]))[0] ?? null;
}
