export type DbFlavor = "sqlite" | "postgres";

export function flavorOf(url: string): DbFlavor {
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(`Unsupported DATABASE_URL (use file:… or postgres://…): ${redactUrl(url)}`);
}

export function sqlitePath(url: string): string {
  return url.slice("file:".length);
}

/** Hides the password of a connection string for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
