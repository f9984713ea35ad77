// Password hashing with Node's built-in scrypt (memory-hard, no native addon) at OWASP's current
// minimum: N=2^17, r=8, p=1 (128 MiB and ~0.3 s per hash here). Stored as scrypt$N$r$p$salt$hash,
// so hashes made with older parameters still verify and are upgraded on the next sign-in.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import { promisify } from "node:util";
import { FairSemaphore } from "./semaphore";

type ScryptFn = (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const scrypt = promisify(crypto.scrypt) as ScryptFn;

export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 } as const;
const MAXMEM = 256 * 1024 * 1024; // 128·N·r bytes, with headroom (Node's default cap is 32 MiB)

/**
 * Each hash holds a libuv thread and 128 MiB for ~0.3 s: unbounded, anonymous sign-in attempts
 * would starve the thread pool (file and DNS work share it) and memory. ONE pool serves every
 * hash in the process: at most `concurrency` run at once; a few more wait, in a queue per
 * purpose (sign-in, everything else) served in turn, so a flood of one cannot starve the other;
 * and one client address or user holds at most `concurrency` slots, running or waiting. Past that
 * the attempt is refused as "busy". Next bundles route handlers apart from server.ts, so the pool
 * (and who is asking) is kept on globalThis: a module-level one would exist twice.
 */
export type HashPurpose = "sign-in" | "account";
export interface HashClaim {
  purpose: HashPurpose;
  /** Who is asking (e.g. `addr:…`, `user:…`): each may hold at most `concurrency` slots. */
  keys?: readonly string[];
}

const KEY = Symbol.for("riskpulse.hashing");
type State = { pool: FairSemaphore; claim: AsyncLocalStorage<HashClaim> };
const makePool = (concurrency: number, queue = concurrency * 8) => new FairSemaphore(concurrency, queue, concurrency);
function state(): State {
  const g = globalThis as { [KEY]?: State };
  return (g[KEY] ??= { pool: makePool(2), claim: new AsyncLocalStorage<HashClaim>() });
}

export function configureHashing(opts: { concurrency: number; queue?: number }) {
  state().pool = makePool(opts.concurrency, opts.queue);
}

/** Runs `fn` with every hash it makes counted for `claim` (its purpose's queue, its keys' shares). */
export function withHashClaim<T>(claim: HashClaim, fn: () => Promise<T>): Promise<T> {
  return state().claim.run(claim, fn);
}

/** Hashes running and waiting right now (all purposes). */
export function hashingLoad() {
  const { pool } = state();
  return { running: pool.active, waiting: pool.waiting, limit: pool.limit };
}

export class HashingBusyError extends Error {
  /** Seconds a client should wait before retrying. */
  readonly retryAfterS = 2;
  constructor() {
    super("password hashing is busy; retry shortly");
    this.name = "HashingBusyError";
  }
}

/** By name: the error may come from the other bundle's copy of this module. */
export function isHashingBusy(err: unknown): err is HashingBusyError {
  return err instanceof Error && err.name === "HashingBusyError";
}

async function run(password: string, salt: Buffer, len: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const { pool, claim } = state();
  const release = await pool.acquire(claim.getStore() ?? { purpose: "account" }).catch(() => {
    throw new HashingBusyError();
  });
  try {
    return await scrypt(password, salt, len, { ...params, maxmem: MAXMEM });
  } finally {
    release();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await run(password, salt, SCRYPT.keylen, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

function parse(stored: string) {
  const [alg, n, r, p, salt, hash] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (alg !== "scrypt" || !salt || !hash || !Object.values(params).every((v) => Number.isSafeInteger(v) && v > 0)) return null;
  return { params, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
}

export interface Verified {
  ok: boolean;
  /** The hash was made with weaker parameters than today's: store a new one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<Verified> {
  const s = parse(stored);
  if (!s) return { ok: false, needsRehash: false };
  const actual = await run(password, s.salt, s.hash.length, s.params);
  const ok = actual.length === s.hash.length && crypto.timingSafeEqual(actual, s.hash);
  return { ok, needsRehash: ok && (s.params.N < SCRYPT.N || s.params.r < SCRYPT.r) };
}

/** Same cost as a real check, so an unknown e-mail is not faster to reject than a wrong password. */
export const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
