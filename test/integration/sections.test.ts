// Dashboard subscriptions to some sections, through the running server on every transport
// (Socket.IO auth.sections and `subscribe`, SSE and polling ?sections=, the plain WebSocket's
// ?sections= and {"action":"subscribe"}). Graded by another client and the REST dashboard: a
// sectioned client never receives a section it did not ask for, gets nothing for a change that
// touches none of its sections, and — after applying what it got — holds exactly the REST
// dashboard's sections; a cursor from either stream resumes the other exactly. Then the live channel
// per risk (auth.risk / subscribe_risk, ?risk=): a risk's follower gets its changes, score points,
// mitigations and deletion and never another risk's, resumes exactly, and an unknown risk is refused.
// The server runs with WS_COMPRESSION=on (threshold 200 B: the snapshot and a whole-dashboard
// patch compressed, a one-section patch not), so every WebSocket client here that offers deflate
// reads compressed frames, and one case compares them with clients that do not.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { applyDashboardMessage } from "@riskpulse/client";
import {
  RISK_MESSAGE_TYPES,
  type DashboardPatch,
  type DashboardView,
  type Envelope,
  type Message,
  type PollAnswer,
} from "../../lib/contract/protocol";
import { ADMIN, call, login } from "../support/http";
import { plainWs } from "../support/plain-ws";
import { startServer, type TestServer } from "../support/server";
import { record, until, type Recorder } from "../support/socket";
import { compareIds as compare } from "../../lib/contract/ids";
import { openSse } from "../support/sse";
import { everyWire, samePatchText } from "../support/wire";

const patchesOf = (ms: Envelope[]) => ms.filter((m) => m.type === "dashboard_patch") as Message<"dashboard", "dashboard_patch">[];
/** The top-level keys a message carries: a snapshot's sections, or the sections a patch's operations lie in. */
function keysOf(m: Envelope): string[] {
  if (m.type === "dashboard_update") return Object.keys(m.data as object).filter((k) => k !== "version");
  if (m.type !== "dashboard_patch") return [];
  return (m.data as DashboardPatch).patch.flatMap((op) =>
    op.path === "" ? Object.keys((op as { value: object }).value) : [op.path.split("/")[1]!],
  );
}
/** Applies a client's messages in order, as the browser does; a gap fails the test. */
function replay(messages: Envelope[], from: DashboardView | null = null): DashboardView {
  let held = from;
  for (const m of messages) {
    const r = applyDashboardMessage<DashboardView>(held, m as Message<"dashboard">);
    assert.notEqual(r.kind, "gap", `a gap at ${m.id}`);
    if (r.kind === "updated") held = r.data;
  }
  assert.ok(held, "no snapshot");
  return held;
}
const RISK_TYPES = new Set<string>(RISK_MESSAGE_TYPES);
/** A client's per-risk messages. */
const riskMessages = (ms: Envelope[]) => ms.filter((m) => RISK_TYPES.has(m.type));
const riskIdOf = (m: Envelope) => (m.data as { risk_id: number }).risk_id;
const pick = (d: object, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (d as Record<string, unknown>)[k]]));

describe("dashboard sections on every transport", () => {
  let srv: TestServer;
  let cookie: string, token: string;
  const open: { close(): unknown }[] = [];
  const url = () => `${srv.url}/dashboard`;
  const rest = async () => (await call(srv.url, { cookie }, "GET", "/api/v1/dashboard")).body as DashboardView & { version: number };
  const settled = async (): Promise<number> => {
    let version = 0;
    await until(
      async () => {
        const d = (await call(srv.url, { cookie }, "GET", "/api/ws/health")).body.broadcaster.dashboard;
        version = d.version;
        return !d.dirty && !d.recomputing;
      },
      15_000,
      "the dashboard feed to settle",
    );
    return version;
  };
  let topId = 0;
  /** A change to top_risks only: the title of a risk in the top 10. */
  const retitle = async (title: string) => {
    const r = await call(srv.url, { cookie }, "PATCH", `/api/v1/risks/${topId}`, { title });
    assert.equal(r.status, 200);
    return settled();
  };
  /** A change to metrics (and the distribution, the trend) but not top_risks: a low risk far below the top 10. */
  const lowRisk = async (title: string) => {
    const r = await call(srv.url, { cookie }, "POST", "/api/v1/risks", { title, severity: "low", likelihood: 0.1, impact: 0.1 });
    assert.equal(r.status, 201);
    return settled();
  };
  const sockets = async (sections?: string[], lastId?: string) => {
    const c = await record(url(), token, { sections, lastId });
    open.push(c);
    return c;
  };
  const reaches = (c: Recorder, version: number) =>
    until(() => c.messages.some((m) => (m.data as { version?: number } | undefined)?.version === version), 5000, `version ${version}`);

  before(async () => {
    srv = await startServer({
      env: {
        DASHBOARD_COALESCE_MS: "20",
        DASHBOARD_TICK_MS: "3600000",
        STATS_INTERVAL_MS: "3600000",
        WS_COMPRESSION: "on",
        WS_COMPRESSION_THRESHOLD: "200",
      },
    });
    cookie = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "sections" })).body.token;
    const made = await call(srv.url, { cookie }, "POST", "/api/v1/risks", { title: "top", severity: "critical", likelihood: 1, impact: 1 });
    topId = made.body.id;
    await settled();
  });
  after(async () => {
    open.forEach((c) => c.close());
    await srv?.stop();
  });

  it("Socket.IO auth.sections: only those sections, nothing for a change touching none, and the REST dashboard's sections after applying", async () => {
    const full = await sockets();
    const metrics = await sockets(["metrics"]);
    await full.next("dashboard_update", { from: 0 });
    const first = await metrics.next("dashboard_update", { from: 0 });
    assert.deepEqual(Object.keys(first.data as object).sort(), ["metrics", "version"]);
    const titled = await retitle("top, renamed");
    const counted = await lowRisk("low one");
    await reaches(full, counted);
    await reaches(metrics, counted);
    const versions = patchesOf(metrics.messages).map((p) => p.data.version);
    assert.ok(!versions.includes(titled), `the title change (version ${titled}) touches no metrics, yet was sent`);
    assert.ok(
      patchesOf(full.messages).some((p) => p.data.version === titled),
      "the full client got the title change",
    );
    for (const m of metrics.messages)
      assert.deepEqual(
        [...new Set(keysOf(m))].filter((k) => k !== "metrics"),
        [],
        `${m.type} ${m.id}`,
      );
    const truth = await rest();
    assert.deepEqual(pick(replay(metrics.messages), ["metrics"]), pick(truth, ["metrics"]));
    assert.deepEqual(replay(full.messages), truth, "the original clients are unchanged: the full stream gives the whole dashboard");
  });

  it("Socket.IO subscribe: acknowledged with a snapshot of the new sections, patches after it carry only them; a bad name is refused", async () => {
    const c = await sockets();
    await c.next("dashboard_update", { from: 0 });
    const ack = (await c.socket.timeout(5000).emitWithAck("subscribe", { sections: ["top_risks"] })) as Envelope;
    assert.equal(ack.type, "dashboard_update");
    assert.deepEqual(Object.keys(ack.data as object).sort(), ["top_risks", "version"]);
    const from = c.messages.length;
    const titled = await retitle("top, again");
    await lowRisk("low two");
    await reaches(c, titled);
    const after = c.messages.slice(from);
    assert.deepEqual(
      patchesOf(after).map((p) => p.data.version),
      [titled],
      "only the title change: the low risk touched no top_risks",
    );
    for (const m of after)
      assert.deepEqual(
        [...new Set(keysOf(m))].filter((k) => k !== "top_risks"),
        [],
      );
    assert.deepEqual(
      pick(replay(c.messages.slice(c.messages.indexOf(c.messages.find((m) => m.id === ack.id)!))), ["top_risks"]),
      pick(await rest(), ["top_risks"]),
    );

    const bad = (await c.socket.timeout(5000).emitWithAck("subscribe", { sections: ["salaries"] })) as Envelope;
    assert.equal(bad.type, "error");
    assert.equal((bad.data as { code: string }).code, "bad_request");
    const back = (await c.socket.timeout(5000).emitWithAck("subscribe", { sections: [] })) as Envelope;
    assert.deepEqual(back.data, await rest(), "[]: the whole dashboard again");
    await assert.rejects(
      record(url(), token, { sections: ["nope"] }),
      (e: Error & { data?: { code?: string } }) => e.data?.code === "bad_request",
    );
  });

  it("a cursor from the full stream resumes a sectioned client exactly, and the other way round", async () => {
    const full = await sockets();
    await full.next("dashboard_update", { from: 0 });
    const cursor = full.lastId!;
    const held = replay(full.messages);
    full.close();
    const titled = await retitle("top, third");
    const counted = await lowRisk("low three");
    // The full log after the cursor, as polling has it (another client).
    const log = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${cursor}`)).body as PollAnswer<"dashboard">;
    assert.ok("messages" in log && !("snapshot" in log));
    const touching = patchesOf(log.messages).filter((p) => keysOf(p).includes("top_risks"));
    const sectioned = await sockets(["top_risks"], cursor);
    await reaches(sectioned, titled);
    await settled();
    assert.deepEqual(
      sectioned.messages.map((m) => m.id),
      touching.map((m) => m.id),
      "exactly the logged patches after the cursor that touch top_risks, in order, once",
    );
    assert.deepEqual(pick(replay(sectioned.messages, held), ["top_risks"]), pick(await rest(), ["top_risks"]));
    // The other way: the sectioned client's cursor resumes a full client with every patch after it.
    const sectionedCursor = sectioned.lastId!;
    await lowRisk("low four");
    const fullAgain = await sockets(undefined, sectionedCursor);
    const all = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${sectionedCursor}`)).body as {
      messages: Envelope[];
    };
    await until(() => fullAgain.messages.length >= all.messages.length, 5000, "the full client to catch up");
    assert.deepEqual(
      fullAgain.messages.map((m) => m.id),
      all.messages.map((m) => m.id),
    );
    assert.ok(patchesOf(all.messages).length >= 1 && counted > 0);
  });

  it("polling ?sections=: the snapshot and messages carry only those; the cursor moves past changes touching none", async () => {
    const first = (await call(srv.url, { token }, "GET", "/api/v1/events/dashboard?sections=top_risks")).body as PollAnswer<"dashboard">;
    assert.ok("snapshot" in first);
    assert.deepEqual(Object.keys(first.snapshot.data).sort(), ["top_risks", "version"]);
    await lowRisk("low five");
    const none = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?sections=top_risks&since=${first.next}`))
      .body as PollAnswer<"dashboard">;
    const whole = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${first.next}`)).body as PollAnswer<"dashboard">;
    assert.deepEqual(none.messages, [], "the low risk touched no top_risks");
    assert.ok(patchesOf(whole.messages).length >= 1, "yet the full stream got it");
    assert.equal(none.next, whole.next, "the cursor moved past it all the same");
    const titled = await retitle("top, polled");
    const some = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?sections=top_risks&since=${none.next}`))
      .body as PollAnswer<"dashboard">;
    assert.deepEqual(
      patchesOf(some.messages).map((p) => p.data.version),
      [titled],
    );
    assert.deepEqual(pick(replay([first.snapshot, ...none.messages, ...some.messages]), ["top_risks"]), pick(await rest(), ["top_risks"]));
    const bad = await call(srv.url, { token }, "GET", "/api/v1/events/dashboard?sections=top_risks,salaries");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "invalid_input");
    assert.equal(bad.body.details[0].field, "sections.1");
    assert.equal((await call(srv.url, { token }, "GET", "/api/v1/events/quotas?sections=metrics")).status, 400);
  });

  it("SSE ?sections=: only those sections, nothing for a change touching none", async () => {
    const s = await openSse(`${srv.url}/api/v1/sse/dashboard?sections=metrics,mitigation_status`, { authorization: `Bearer ${token}` });
    open.push(s);
    const first = await s.until((f) => f.event === "dashboard_update");
    assert.deepEqual(Object.keys(JSON.parse(first.data!).data).sort(), ["metrics", "mitigation_status", "version"]);
    const titled = await retitle("top, streamed");
    const counted = await lowRisk("low six");
    await s.until((f) => f.event === "dashboard_patch" && JSON.parse(f.data!).data.version === counted);
    const got = s.frames.filter((f) => f.data).map((f) => JSON.parse(f.data!) as Envelope);
    assert.ok(!patchesOf(got).some((p) => p.data.version === titled), "the title change was sent");
    for (const m of got)
      assert.deepEqual(
        keysOf(m).filter((k) => k !== "metrics" && k !== "mitigation_status"),
        [],
      );
    const truth = await rest();
    assert.deepEqual(pick(replay(got), ["metrics", "mitigation_status"]), pick(truth, ["metrics", "mitigation_status"]));
    const bad = await fetch(`${srv.url}/api/v1/sse/dashboard?sections=bogus`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bad.status, 400);
  });

  it("WS_COMPRESSION=on: a client that negotiates deflate and one that does not get the same text of each patch, per set of sections", async () => {
    const whole = await everyWire(srv.url, token);
    const top = await everyWire(srv.url, token, ["top_risks"]);
    open.push(...whole, ...top);
    for (const c of [...whole, ...top]) {
      const ext = c.extensions();
      if (ext === null) continue; // polling
      assert.equal(ext.includes("permessage-deflate"), c.name.includes("deflate offered"), `${c.name}: ${ext}`);
      if (ext) assert.match(ext, /server_no_context_takeover/, c.name);
    }
    const titled = await retitle("top, compressed");
    const counted = await lowRisk("low, compressed");
    const titleWhole = JSON.parse(await samePatchText(whole, titled)) as Envelope;
    const titleTop = JSON.parse(await samePatchText(top, titled)) as Envelope;
    assert.deepEqual([...new Set(keysOf(titleTop))], ["top_risks"]);
    assert.ok(keysOf(titleWhole).includes("top_risks"));
    const countedWhole = JSON.parse(await samePatchText(whole, counted)) as Envelope;
    assert.ok(keysOf(countedWhole).includes("metrics"));
    await settled();
    assert.ok(![...top[0]!.texts.values()].some((t) => (JSON.parse(t) as Envelope<string, { version?: number }>).data.version === counted));
    // What they hold after applying it all is the REST dashboard, compressed or not.
    const truth = await rest();
    for (const c of whole) assert.deepEqual(replay([...c.texts.values()].map((t) => JSON.parse(t) as Envelope)), truth, c.name);
    for (const c of top)
      assert.deepEqual(
        pick(replay([...c.texts.values()].map((t) => JSON.parse(t) as Envelope)), ["top_risks"]),
        pick(truth, ["top_risks"]),
        c.name,
      );
    // The same messages took fewer bytes on the wire where deflate was negotiated (the snapshot is compressed).
    const [sioDeflate, sioPlain, , wsDeflate, wsPlain] = whole;
    assert.ok(sioDeflate!.bytesRead()! < sioPlain!.bytesRead()!, `Socket.IO: ${sioDeflate!.bytesRead()} vs ${sioPlain!.bytesRead()} bytes`);
    assert.ok(
      wsDeflate!.bytesRead()! < wsPlain!.bytesRead()!,
      `plain WebSocket: ${wsDeflate!.bytesRead()} vs ${wsPlain!.bytesRead()} bytes`,
    );
  });

  it("plain WebSocket: ?sections= on connect, {action: subscribe} to change them, a bad name refused", async () => {
    const ws = plainWs(`${srv.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}&sections=metrics`);
    open.push({ close: () => ws.ws.close() });
    const first = await ws.next("dashboard_update");
    assert.deepEqual(Object.keys(first.data!).sort(), ["metrics", "version"]);
    ws.send({ action: "subscribe", sections: ["top_risks"] });
    const snap = await ws.next((f) => f.type === "dashboard_update" && "top_risks" in (f.data ?? {}), 0);
    assert.deepEqual(Object.keys(snap.data!).sort(), ["top_risks", "version"]);
    const from = ws.frames.length;
    const titled = await retitle("top, plain");
    await lowRisk("low seven");
    await ws.next((f) => f.type === "dashboard_patch" && f.data?.version === titled, from);
    await settled();
    const after = ws.frames.slice(from) as unknown as Envelope[];
    assert.deepEqual(
      patchesOf(after).map((p) => p.data.version),
      [titled],
    );
    ws.send({ action: "subscribe", sections: ["nope"] });
    const err = await ws.next("error", from);
    assert.equal(err.code, "bad_request");
    const refused = plainWs(`${srv.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}&sections=nope`, { quiet: true });
    await until(() => refused.closed() !== null, 5000, "the refusal");
    assert.equal(refused.closed()!.code, 4400);
  });
  // ---- a live channel per risk -------------------------------------------------------------------

  const newRisk = async (title: string) => {
    const r = await call(srv.url, { cookie }, "POST", "/api/v1/risks", { title, severity: "medium", likelihood: 0.3, impact: 0.3 });
    assert.equal(r.status, 201);
    return r.body.id as number;
  };
  const patchRisk = async (id: number, patch: object) => {
    const r = await call(srv.url, { cookie }, "PATCH", `/api/v1/risks/${id}`, patch);
    assert.equal(r.status, 200);
    return r.body as { version: number };
  };
  const addMitigation = async (riskId: number, title: string) => {
    const r = await call(srv.url, { cookie }, "POST", "/api/v1/mitigations", { risk_id: riskId, title, due_date: "2030-01-01" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  /** What REST says of the risk now (the ground truth a follower's messages are checked against). */
  const restRisk = async (id: number) =>
    (await call(srv.url, { cookie }, "GET", `/api/v1/risks/${id}`)).body as Record<string, unknown> & {
      score_history: { score: number; recorded_at: string }[];
    };
  /** Changes risk A (title and score), adds a mitigation to it, and changes risk B the same way. */
  const changeBoth = async (a: number, b: number, tag: string) => {
    await patchRisk(a, { title: `A ${tag}`, likelihood: 0.4 + Math.random() * 0.5 });
    const mitigation = await addMitigation(a, `for A ${tag}`);
    await patchRisk(b, { title: `B ${tag}`, likelihood: 0.4 + Math.random() * 0.5 });
    await addMitigation(b, `for B ${tag}`);
    return mitigation;
  };
  /** The follower's messages match REST: the risk's fields, its newest score point, the mitigation. */
  const matchesRest = async (messages: Envelope[], a: number, mitigation: number) => {
    const truth = await restRisk(a);
    const { score_history, ...fields } = truth;
    const changes = messages.filter((m) => m.type === "risk_change");
    assert.deepEqual((changes.at(-1)!.data as { risk: object }).risk, fields, "the last risk_change is the risk as REST has it");
    const point = messages.filter((m) => m.type === "score_point").at(-1)!.data as { score: number; recorded_at: string };
    assert.deepEqual({ score: point.score, recorded_at: point.recorded_at }, score_history.at(-1));
    const m = messages.find((x) => x.type === "mitigation_change" && (x.data as { mitigation_id: number }).mitigation_id === mitigation);
    assert.ok(m, "the mitigation's change");
    assert.deepEqual(
      (m.data as { mitigation: object }).mitigation,
      (await call(srv.url, { cookie }, "GET", `/api/v1/mitigations/${mitigation}`)).body,
    );
  };

  it("Socket.IO auth.risk: a follower of risk A gets A's changes, score points and mitigations, never B's; others get none", async () => {
    const a = await newRisk("risk A");
    const b = await newRisk("risk B");
    const followA = await record(url(), token, { risk: a, sections: ["metrics"] });
    const plain = await sockets();
    open.push(followA);
    await followA.next("dashboard_update", { from: 0 });
    await plain.next("dashboard_update", { from: 0 });
    const mitigation = await changeBoth(a, b, "socket");
    await until(
      () =>
        followA.messages.some((m) => m.type === "mitigation_change" && (m.data as { mitigation_id: number }).mitigation_id === mitigation),
      5000,
      "A's mitigation change",
    );
    await settled();
    await call(srv.url, { cookie }, "GET", `/api/v1/risks/${b}`); // B's messages had their chance to arrive
    const got = riskMessages(followA.messages);
    assert.deepEqual([...new Set(got.map(riskIdOf))], [a], "only risk A's messages");
    assert.deepEqual([...new Set(got.map((m) => m.type))].sort(), ["mitigation_change", "risk_change", "score_point"]);
    await matchesRest(got, a, mitigation);
    assert.deepEqual(riskMessages(plain.messages), [], "a connection following no risk gets no per-risk message");

    // subscribe_risk switches to B; unsubscribe_risk stops.
    const ack = (await followA.socket.timeout(5000).emitWithAck("subscribe_risk", { id: b })) as Envelope;
    assert.equal(ack.type, "dashboard_update");
    assert.deepEqual(Object.keys(ack.data as object).sort(), ["metrics", "version"], "the sections are kept");
    const from = followA.messages.length;
    await patchRisk(b, { title: "B switched" });
    await until(() => followA.messages.slice(from).some((m) => m.type === "risk_change"), 5000, "B's change");
    assert.deepEqual([...new Set(riskMessages(followA.messages.slice(from)).map(riskIdOf))], [b]);
    const unknown = (await followA.socket.timeout(5000).emitWithAck("subscribe_risk", { id: 987654 })) as Envelope;
    assert.equal(unknown.type, "error");
    assert.equal((unknown.data as { code: string }).code, "unknown_risk");
    await followA.socket.timeout(5000).emitWithAck("unsubscribe_risk");
    const quiet = followA.messages.length;
    // A new severity moves the counts in metrics for sure (a score change can vanish in the
    // rounded average): a patch comes.
    await patchRisk(b, { title: "B unfollowed", severity: "critical" });
    await settled();
    await until(() => followA.messages.slice(quiet).some((m) => m.type === "dashboard_patch"), 5000, "a patch after it");
    assert.deepEqual(riskMessages(followA.messages.slice(quiet)), [], "no risk's messages after unsubscribe_risk");
    await assert.rejects(
      record(url(), token, { risk: 987654 }),
      (e: Error & { data?: { code?: string } }) => e.data?.code === "unknown_risk",
    );
    await assert.rejects(record(url(), "", { risk: a }), (e: Error & { data?: { code?: string } }) => e.data?.code === "unauthorized");
  });

  it("a risk follower cut off resumes with exactly the per-risk messages it missed (another follower and polling as truth)", async () => {
    const a = await newRisk("resume A");
    const b = await newRisk("resume B");
    const witness = await record(url(), token, { risk: a });
    open.push(witness);
    const cut = await record(url(), token, { risk: a });
    await cut.next("dashboard_update", { from: 0 });
    await patchRisk(a, { title: "before the cut" });
    await until(() => cut.messages.some((m) => m.type === "risk_change"), 5000, "a change before the cut");
    const cursor = cut.lastId!;
    const before = riskMessages(cut.messages).length;
    cut.close();
    const mitigation = await changeBoth(a, b, "missed");
    const last = await patchRisk(a, { likelihood: 0.99 });
    await until(
      () =>
        witness.messages.some((m) => m.type === "score_point" && (m.data as { score: number }).score === 2.97) &&
        witness.messages.some((m) => m.type === "risk_change" && (m.data as { risk: { version: number } }).risk.version === last.version),
      5000,
      "the witness",
    );
    const back = await record(url(), token, { risk: a, lastId: cursor });
    open.push(back);
    const missed = riskMessages(witness.messages).filter((m) => compare(m.id, cursor) > 0);
    await until(() => riskMessages(back.messages).length >= missed.length, 5000, "the catch-up");
    assert.deepEqual(
      riskMessages(back.messages).map((m) => m.id),
      missed.map((m) => m.id),
      "exactly what was missed, in order, once",
    );
    assert.ok(!back.messages.some((m) => m.type === "dashboard_update"), "a resume, not a snapshot");
    assert.ok(before >= 1);
    await matchesRest(riskMessages(back.messages), a, mitigation);
    // Polling ?risk= from the same cursor is the same list.
    const polled = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?risk=${a}&since=${cursor}`))
      .body as PollAnswer<"dashboard">;
    assert.ok("messages" in polled && !("snapshot" in polled));
    assert.deepEqual(
      riskMessages(polled.messages).map((m) => m.id),
      missed.map((m) => m.id),
    );
  });

  it("SSE and polling ?risk=: A's messages only, resumed by Last-Event-ID / since; an unknown risk is 404 unknown_risk", async () => {
    const a = await newRisk("http A");
    const b = await newRisk("http B");
    const s = await openSse(`${srv.url}/api/v1/sse/dashboard?risk=${a}&sections=metrics`, { authorization: `Bearer ${token}` });
    open.push(s);
    await s.until((f) => f.event === "dashboard_update");
    const first = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?risk=${a}`)).body as PollAnswer<"dashboard">;
    assert.ok("snapshot" in first);
    const mitigation = await changeBoth(a, b, "http");
    await s.until((f) => f.event === "mitigation_change" && JSON.parse(f.data!).data.mitigation_id === mitigation);
    const streamed = riskMessages(s.frames.filter((f) => f.data).map((f) => JSON.parse(f.data!) as Envelope));
    assert.deepEqual([...new Set(streamed.map(riskIdOf))], [a]);
    await matchesRest(streamed, a, mitigation);
    const polled = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?risk=${a}&since=${first.next}`))
      .body as PollAnswer<"dashboard">;
    assert.deepEqual(
      riskMessages(polled.messages).map((m) => m.id),
      streamed.map((m) => m.id),
      "polling from before the changes: the same messages",
    );
    const whole = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${first.next}`)).body as PollAnswer<"dashboard">;
    assert.deepEqual(riskMessages(whole.messages), [], "polling without ?risk=: none");
    // SSE resumes after the first of them.
    const resumed = await openSse(`${srv.url}/api/v1/sse/dashboard?risk=${a}`, {
      authorization: `Bearer ${token}`,
      "last-event-id": streamed[0]!.id,
    });
    open.push(resumed);
    await resumed.until((f) => f.id === streamed.at(-1)!.id);
    assert.deepEqual(
      riskMessages(resumed.frames.filter((f) => f.data).map((f) => JSON.parse(f.data!) as Envelope)).map((m) => m.id),
      streamed.slice(1).map((m) => m.id),
    );
    for (const path of ["/api/v1/sse/dashboard", "/api/v1/events/dashboard"]) {
      const unknown = await call(srv.url, { token }, "GET", `${path}?risk=987654`);
      assert.equal(unknown.status, 404, path);
      assert.equal(unknown.body.code, "unknown_risk");
      const bad = await call(srv.url, { token }, "GET", `${path}?risk=abc`);
      assert.equal(bad.status, 400, path);
      assert.equal((await fetch(`${srv.url}${path}?risk=${a}`)).status, 401, `${path} without a credential`);
    }
  });

  it("plain WebSocket ?risk= and {action: subscribe_risk}; a deleted risk sends risk_deleted on every transport", async () => {
    const a = await newRisk("plain A");
    const b = await newRisk("plain B");
    const base = `${srv.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}`;
    const ws = plainWs(`${base}&risk=${a}`);
    open.push({ close: () => ws.ws.close() });
    await ws.next("dashboard_update");
    const mitigation = await changeBoth(a, b, "plain");
    await ws.next((f) => f.type === "mitigation_change" && f.data?.mitigation_id === mitigation);
    const got = riskMessages(ws.frames as unknown as Envelope[]);
    assert.deepEqual([...new Set(got.map(riskIdOf))], [a]);
    await matchesRest(got, a, mitigation);
    const other = plainWs(base);
    open.push({ close: () => other.ws.close() });
    await other.next("dashboard_update");
    other.send({ action: "subscribe_risk", id: b });
    await other.next((f) => f.type === "dashboard_update", 1);
    other.send({ action: "subscribe_risk", id: 987654 });
    assert.equal((await other.next("error")).code, "unknown_risk");
    const refused = plainWs(`${base}&risk=987654`, { quiet: true });
    await until(() => refused.closed() !== null, 5000, "the refusal");
    assert.equal(refused.closed()!.code, 4404);

    // Deletion, on every transport at once.
    const sock = await record(url(), token, { risk: a });
    open.push(sock);
    const sse = await openSse(`${srv.url}/api/v1/sse/dashboard?risk=${a}`, { authorization: `Bearer ${token}` });
    open.push(sse);
    await sse.until((f) => f.event === "dashboard_update");
    const poll0 = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?risk=${a}`)).body as PollAnswer<"dashboard">;
    assert.equal((await call(srv.url, { cookie }, "DELETE", `/api/v1/risks/${a}`)).status, 204);
    await sock.next("risk_deleted", { from: 0 });
    await sse.until((f) => f.event === "risk_deleted");
    await ws.next("risk_deleted");
    const deleted = (await sock.next("risk_deleted", { from: 0 })).data as { risk_id: number };
    assert.equal(deleted.risk_id, a);
    // A poller that was away learns of it too (the deletion is in the log); without ?risk= it never shows.
    const after = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?risk=${a}&since=${poll0.next}`))
      .body as PollAnswer<"dashboard">;
    assert.ok("messages" in after);
    assert.deepEqual(
      riskMessages(after.messages).map((m) => m.type),
      ["risk_deleted"],
    );
    const without = (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${poll0.next}`)).body as PollAnswer<"dashboard">;
    assert.deepEqual(riskMessages(without.messages), []);
    assert.ok(!other.frames.some((f) => f.type === "risk_deleted"), "a follower of B does not hear of A");
  });
});
