// Request bodies are bounded while they arrive, on every route (next-auth's included): a chunked
// body past MAX_BODY_BYTES is answered 413 as soon as the limit is crossed, its connection is
// closed, the server's memory stays flat, and nothing is thrown or printed outside the JSON log.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { ADMIN, login } from "../support/http";
import { logProblems, startServer, type TestServer } from "../support/server";

const LIMIT = 1024 * 1024;
const CHUNK = 64 * 1024;
const ANSWER_DEADLINE_MS = 15_000;

interface Outcome {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes the client had written when the answer arrived. */
  sentBeforeAnswer: number;
  /** The server ended the connection (FIN or reset) after answering. */
  closed: boolean;
}

function memory(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/**
 * POSTs a chunked body of `total` bytes over a raw socket. With `pauseAt`, the client stops
 * sending there until the server has answered (a server that waits for the whole body first
 * never answers, and the deadline fails the test); the rest is then sent for as long as the
 * server still takes it.
 */
function chunkedPost(
  base: string,
  path: string,
  opts: { total: number; pauseAt?: number; headers?: Record<string, string> },
): Promise<Outcome> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    let raw = Buffer.alloc(0);
    let answer: Omit<Outcome, "closed"> | null = null;
    let onAnswer: (() => void) | null = null;
    let sent = 0;
    let finished = false;
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to POST ${path} within ${ANSWER_DEADLINE_MS} ms (sent ${sent} bytes)`));
    }, ANSWER_DEADLINE_MS);
    const parse = () => {
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0 || answer) return;
      const [statusLine, ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const length = Number(headers["content-length"] ?? NaN);
      const body = raw.subarray(end + 4);
      if (Number.isFinite(length) && body.length < length) return;
      answer = { status: Number(statusLine!.split(" ")[1]), headers, body: body.toString("utf8"), sentBeforeAnswer: sent };
      clearTimeout(deadline);
      onAnswer?.();
    };
    socket.on("data", (d) => {
      raw = Buffer.concat([raw, d]);
      parse();
    });
    socket.on("error", () => undefined); // writing after the server closed: expected, seen as "closed"
    socket.on("close", () => {
      finished = true;
      clearTimeout(deadline);
      if (answer) resolve({ ...answer, closed: true });
      else reject(new Error(`connection closed without an answer to POST ${path} (sent ${sent} bytes)`));
    });
    const write = (data: string | Buffer) =>
      new Promise<void>((r) => {
        if (finished || socket.destroyed) return r();
        if (socket.write(data)) r();
        else {
          const done = () => {
            socket.off("drain", done);
            socket.off("close", done);
            r();
          };
          socket.on("drain", done);
          socket.on("close", done);
        }
      });
    socket.once("connect", async () => {
      const head = [
        `POST ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        "Transfer-Encoding: chunked",
        ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ].join("\r\n");
      await write(`${head}\r\n\r\n`);
      const piece = Buffer.alloc(CHUNK, "a");
      while (sent < opts.total && !finished) {
        if (opts.pauseAt !== undefined && sent >= opts.pauseAt && !answer) await new Promise<void>((r) => (onAnswer = r));
        await write(Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
        sent += CHUNK;
      }
      await write("0\r\n\r\n");
      // A server that keeps the connection open after answering fails the test at the deadline.
      if (answer && !finished) {
        const keptOpen = setTimeout(() => {
          socket.destroy();
          resolve({ ...answer!, closed: false });
        }, ANSWER_DEADLINE_MS);
        socket.once("close", () => clearTimeout(keptOpen));
      }
    });
  });
}

describe("request body limits", () => {
  let srv: TestServer | undefined;
  let base: string;
  let cookie: string;
  const routes = (): { path: string; headers: Record<string, string> }[] => [
    { path: "/api/auth/signout", headers: { "content-type": "application/x-www-form-urlencoded" } },
    { path: "/api/auth/callback/credentials", headers: { "content-type": "application/x-www-form-urlencoded" } },
    { path: "/api/v1/risks", headers: { "content-type": "application/json", cookie, origin: base } },
  ];

  before(async () => {
    srv = await startServer({ env: { MAX_BODY_BYTES: String(LIMIT) } });
    base = srv.url;
    cookie = await login(base, ADMIN);
  });
  after(() => srv?.stop());

  for (const path of ["/api/auth/signout", "/api/auth/callback/credentials", "/api/v1/risks"]) {
    it(`answers a chunked body over the limit with 413 while it still arrives, and closes: POST ${path}`, async () => {
      const route = routes().find((r) => r.path === path)!;
      const out = await chunkedPost(base, path, { total: 5 * LIMIT, pauseAt: LIMIT + 2 * CHUNK, headers: route.headers });
      assert.equal(out.status, 413, out.body);
      assert.equal(out.headers["connection"]?.toLowerCase(), "close");
      assert.match(out.headers["content-type"] ?? "", /^application\/json/);
      const body = JSON.parse(out.body) as { error: string; code: string };
      assert.equal(body.code, "payload_too_large");
      assert.match(body.error, /too large/);
      // Answered with only a little over the limit sent: the server did not wait for the rest.
      assert.ok(out.sentBeforeAnswer <= LIMIT + 2 * CHUNK, `answered after ${out.sentBeforeAnswer} bytes`);
      assert.ok(out.closed, "the server kept the connection open after its 413");
    });
  }

  it("answers a body announced too large by Content-Length with 413 and closes, without an error in the log", async () => {
    const out = await new Promise<{ head: string; closed: boolean }>((resolve) => {
      const socket = net.connect(srv!.port, "127.0.0.1", () =>
        socket.write(`POST /api/auth/signout HTTP/1.1\r\nHost: x\r\nContent-Length: ${5 * LIMIT}\r\n\r\n`),
      );
      let head = "";
      socket.on("data", (d) => (head += d.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve({ head, closed: true }));
    });
    assert.match(out.head, /^HTTP\/1\.1 413 /);
    assert.match(out.head, /\r\nconnection: close\r\n/i);
    // The server still serves, and what it printed is all JSON log lines without an unhandled error.
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
    assert.deepEqual(logProblems(srv!.logs()), []);
  });

  it("keeps its memory flat under four parallel 50 MB chunked bodies to each route", async () => {
    const pid = srv!.proc.pid!;
    const before = memory(pid).rssMb;
    // VmHWM also holds the start-up peak (Next's build manifests), so the peak here is sampled.
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, memory(pid).rssMb)), 20);
    const outs = await Promise.all(
      routes().flatMap((r) => Array.from({ length: 4 }, () => chunkedPost(base, r.path, { total: 50 * LIMIT, headers: r.headers }))),
    ).finally(() => clearInterval(sampler));
    const afterwards = memory(pid).rssMb;
    console.log(
      `server RSS: ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB, ${afterwards.toFixed(0)} MB after; ` +
        `clients had sent at most ${(Math.max(...outs.map((o) => o.sentBeforeAnswer)) / LIMIT).toFixed(1)} MB when answered`,
    );
    for (const o of outs) assert.equal(o.status, 413);
    // 12 × 50 MB offered; a server that buffered them would grow by far more than this.
    assert.ok(peak - before < 150, `RSS grew by ${(peak - before).toFixed(0)} MB`);
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
  });

  it("logged no unhandled error (stop() checks the whole log)", async () => {
    const s = srv!;
    srv = undefined;
    await s.stop();
  });
});
