// `npm run user -- <command>`: manage users against the configured database (DATABASE_URL, or
// the SQLite file under DATA_DIR), e.g. the first admin of a production install:
//   npm run user -- create --email ops@example.com --name "Ops" --role admin   (password prompted, or read from stdin)
//   npm run user -- set-password --email ops@example.com
//   npm run user -- disable --email ops@example.com | enable --email … | list
// Running servers apply a change within about a second, as if made in the app: the CLI writes its
// events (sessions ended, tokens revoked, user changed) to the database, which every instance
// polls (lib/auth/signals.ts) — one SQLite instance or a cluster alike. A new password, disabling
// or demoting also revokes the user's API tokens.
import readline from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { configureHashing } from "../lib/hashing/password";
import { createSessionService } from "../lib/auth/sessions";
import { signalPublisher } from "../lib/auth/signals";
import { loadConfig } from "../lib/config";
import { createDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { flavorOf } from "../lib/db/url";
import { SYSTEM } from "../lib/domain/audit";
import { isDomainError } from "../lib/domain/errors";
import { systemClock } from "../lib/domain/time";
import { createUserService, userCreateSchema, userUpdateSchema } from "../lib/domain/users";

const USAGE = `usage: npm run user -- <create|set-password|disable|enable|list> [--email E] [--name N] [--role admin|analyst]`;

async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped: the first line of stdin.
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    throw new Error("no password on stdin");
  }
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(q);
      const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
      rl.question("", (a) => {
        rl.close();
        process.stdout.write("\n");
        resolve(a);
      });
    });
  const a = await ask(prompt);
  if ((await ask("again: ")) !== a) throw new Error("the passwords differ");
  return a;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
  });
  const command = positionals[0];
  if (!command) throw new Error(USAGE);
  const config = loadConfig();
  configureHashing({ concurrency: 1 });
  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl);
  const events = signalPublisher(db);
  const sessions = createSessionService({ db, events, clock: systemClock, maxAgeS: config.SESSION_MAX_AGE_S });
  const users = createUserService({ db, events, clock: systemClock, flavor: flavorOf(config.databaseUrl), sessions });
  const byEmail = async () => {
    if (!values.email) throw new Error("--email is required");
    const u = await db.user.findUnique({ where: { email: values.email.trim().toLowerCase() } });
    if (!u) throw new Error(`no user ${values.email}`);
    return u;
  };
  try {
    switch (command) {
      case "create": {
        if (!values.email || !values.name) throw new Error("create needs --email and --name");
        const role = values.role ?? "analyst";
        if (role !== "admin" && role !== "analyst") throw new Error("--role is admin or analyst");
        const password = await readPassword(`password for ${values.email}: `);
        const u = await users.create(userCreateSchema.parse({ email: values.email, name: values.name, role, password }), SYSTEM);
        console.log(`created ${u.role} ${u.email} (id ${u.id})`);
        break;
      }
      case "set-password": {
        const u = await byEmail();
        await users.update(u.id, userUpdateSchema.parse({ password: await readPassword(`new password for ${u.email}: `) }), SYSTEM);
        console.log(`password of ${u.email} changed; their sessions and API tokens were ended`);
        break;
      }
      case "disable":
      case "enable": {
        const u = await byEmail();
        await users.update(u.id, userUpdateSchema.parse({ disabled: command === "disable" }), SYSTEM);
        console.log(`${u.email} ${command}d`);
        break;
      }
      case "list": {
        for (const u of (await users.list({ page: 1, page_size: 200 })).items)
          console.log(`${String(u.id).padStart(5)}  ${u.role.padEnd(8)} ${u.disabled ? "disabled " : "         "}${u.email}  (${u.name})`);
        break;
      }
      default:
        throw new Error(USAGE);
    }
    await events.flush(); // the running servers act on these
  } finally {
    await db.$disconnect();
  }
}

main().catch((e: unknown) => {
  if (isDomainError(e)) {
    const details = Array.isArray(e.details) ? (e.details as { message: string }[]).map((d) => d.message).join("; ") : "";
    console.error(`${e.message}${details ? `: ${details}` : ""}`);
  } else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
