// Password hashing with Node's built-in scrypt (memory-hard, no native addon) at OWASP's current
// minimum: N=2^17, r=8, p=1 (128 MiB and ~0.3 s per hash here). Stored as scrypt$N$r$p$salt$hash,
// so hashes made with older parameters still verify and are upgraded on the next sign-in.
import "server-only";
import crypto from "node:crypto";
import { promisify } from "node:util";
import { Semaphore } from "./semaphore";

type ScryptFn = (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const scrypt = promisify(crypto.scrypt) as ScryptFn;

export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 } as const;
const MAXMEM = 256 * 1024 * 1024; // 128·N·r bytes, with headroom (Node's default cap is 32 MiB)

/**
 * Each hash holds a libuv thread and 128 MiB for ~0.3 s: unbounded, anonymous sign-in attempts
 * would starve the thread pool (file and DNS work share it) and memory. At most `limit` hashes
 * run at once; a few more wait; past that the attempt is refused as "busy".
 */
let pool = new Semaphore(2, 16);
export function configureHashing(opts: { concurrency: number; queue?: number }) {
  pool = new Semaphore(opts.concurrency, opts.queue ?? opts.concurrency * 8);
}
export class HashingBusyError extends Error {
  constructor() {
    super("password hashing is busy; retry shortly");
  }
}

async function run(password: string, salt: Buffer, len: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const release = await pool.acquire().catch(() => {
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
