// One instance starting up, for the concurrent-migration test: prints "ready", waits for a line
// on stdin (so two of them start migrating at the same moment), migrates, prints the result.
import readline from "node:readline";
import { migrate } from "../../lib/db/migrate";

const url = process.argv[2];
if (!url) throw new Error("usage: migrate-child.ts <database url>");
const rl = readline.createInterface({ input: process.stdin });
console.log("ready");
rl.once("line", () => {
  rl.close();
  migrate(url).then(
    (result) => console.log(JSON.stringify({ ok: true, result })),
    (err: Error) => {
      console.log(JSON.stringify({ ok: false, error: err.message }));
      process.exitCode = 1;
    },
  );
});
