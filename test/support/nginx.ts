// Runs the shipped deploy/nginx.conf for real, in front of test instances: the same file with
// only the upstream addresses, ports, name and a throwaway self-signed certificate substituted,
// under a prefix of its own (pid, logs, temp files), as a child process the test owns.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./server";
import { until } from "./socket";

export interface TestNginx {
  https: string;
  /** The plain-HTTP server of the shipped config (it only redirects to HTTPS). */
  http: string;
  proc: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

export async function startNginx(upstreamPorts: number[], httpsPort?: number): Promise<TestNginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-nginx-"));
  httpsPort ??= await freePort();
  const httpPort = await freePort();
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
    ],
    { stdio: "ignore" },
  );
  const shipped = fs.readFileSync(path.join(process.cwd(), "deploy/nginx.conf"), "utf8");
  const site = shipped
    .replace(
      /(upstream riskpulse \{)[^}]*?(keepalive)/s,
      `$1\n${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join("\n")}\n    $2`,
    )
    .replace(/listen 80;/g, `listen 127.0.0.1:${httpPort};`)
    .replace(/listen \[::\]:80;\n/g, "")
    .replace(/listen 443 ssl http2;/g, `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replace(/ *listen \[::\]:443 ssl http2;\n/g, "")
    .replace(/server_name risk\.example\.com;/g, "server_name localhost;")
    .replace(/ssl_certificate +\S+;/, `ssl_certificate ${dir}/cert.pem;`)
    .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${dir}/key.pem;`);
  fs.writeFileSync(`${dir}/riskpulse.conf`, site);
  fs.writeFileSync(
    `${dir}/nginx.conf`,
    [
      ...(process.getuid?.() === 0 ? ["user root;"] : []),
      "worker_processes 1;",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      "events { worker_connections 4096; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/riskpulse.conf;`,
      "}",
    ].join("\n"),
  );
  execFileSync("nginx", ["-t", "-p", dir, "-c", `${dir}/nginx.conf`], { stdio: "pipe" }); // a bad config fails here, with its message
  const proc = spawn("nginx", ["-p", dir, "-c", `${dir}/nginx.conf`, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const https = `https://localhost:${httpsPort}`;
  const logs = () => out + (fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : "");
  // Started means accepting on the port (a pid file alone was seen before the first connect worked).
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(httpsPort!, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
  await until(async () => proc.exitCode === null && (await accepts()), 10_000, `nginx accepting on ${httpsPort}`).catch((e: Error) => {
    throw new Error(`${e.message}\n${logs()}`);
  });
  return {
    https,
    http: `http://127.0.0.1:${httpPort}`,
    proc,
    logs,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM"); // fast shutdown: open WebSockets would hold a graceful one forever
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
