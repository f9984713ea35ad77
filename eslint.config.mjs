// Lint gate (`npm run lint`, first step of `npm test`): Next's recommended rules plus
// typescript-eslint, with type-only imports kept apart so the server/browser boundary stays
// visible in every import line; the direction of imports between layers and the absence of
// import cycles (eslint-plugin-import, which eslint-config-next already brings). Formatting is
// Prettier's job (`prettier --check`).
import fs from "node:fs";
import path from "node:path";
import next from "eslint-config-next";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

// ---- Direction of imports (README "Architecture"): every arrow points down. ---------------------
// The layers, top to bottom, as globs of the files in each; a file may import files of its own
// layer and of lower layers only (type imports too: a type pointing up is a dependency too).
const LAYERS = [
  { name: "entry points and transport adapters", files: ["app/**", "server.ts", "lib/realtime/transports/**"] },
  { name: "lib/api-docs", files: ["lib/api-docs/**"] },
  { name: "lib/http", files: ["lib/http/**"] },
  { name: "the composition root", files: ["lib/context.ts", "lib/bootstrap.ts"] },
  { name: "operations", files: ["lib/metrics/**", "lib/health.ts", "lib/server/**", "lib/retention/**", "lib/demo/**", "lib/seed/**"] },
  { name: "lib/cluster", files: ["lib/cluster/**"] },
  { name: "the real-time core", files: ["lib/realtime/!(transports)/**", "lib/realtime/*.ts"] },
  { name: "lib/auth", files: ["lib/auth/**"] },
  { name: "lib/contract", files: ["lib/contract/**"] },
  { name: "lib/domain", files: ["lib/domain/**", "lib/system-load.ts"] },
  {
    name: "the primitives",
    files: ["lib/db/**", "lib/cache/**", "lib/rate-limit/**", "lib/hashing/**", "lib/log.ts", "lib/config.ts"],
  },
];
// One zone per (layer, higher file glob): the rule wants each zone's `from` all globs or all paths.
const upward = LAYERS.flatMap((layer, i) =>
  LAYERS.slice(0, i).flatMap((higher) =>
    higher.files.map((from) => ({
      target: layer.files.map((f) => `./${f}`),
      from: `./${from}`,
      message: `${layer.name} is below ${higher.name}: imports point down only (README "Architecture").`,
    })),
  ),
);
// The browser's code — hooks/, lib/client/ and every "use client" component — imports the
// contract and other browser code; anything else of lib/ only as types (erased from the bundle).
const clientComponents = fs
  .readdirSync("components", { recursive: true })
  .map((f) => path.posix.join("components", String(f).split(path.sep).join("/")))
  .filter((f) => /\.tsx?$/.test(f) && /^\s*["']use client["']/.test(fs.readFileSync(f, "utf8")));
const BROWSER = ["hooks/**", "lib/client/**", "packages/client/src/**", ...clientComponents];
const browserOnly = { group: ["@/lib/*", "!@/lib/client", "!@/lib/contract"], allowTypeImports: true };
const BROWSER_MESSAGE = 'Browser code imports lib/contract and lib/client only (other modules as types): see README "Architecture".';

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "dist/**",
      "packages/*/dist/**",
      "node_modules/**",
      "lib/db/generated/**",
      "prisma/generated/**",
      "prisma/engine/**",
      "test-results/**",
      "bench/results/**",
      "next-env.d.ts",
    ],
  },
  ...next,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings through lib/config.ts (loadConfig)." },
      ],
    },
  },
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx", "app/**", "server.ts", "components/**", "hooks/**"],
    rules: {
      "import/no-restricted-paths": ["error", { zones: upward }],
      // Runtime cycles (type-only imports are erased and not counted by the rule).
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    files: BROWSER,
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ ...browserOnly, message: BROWSER_MESSAGE }] }] },
  },
  {
    // lib/client's relative imports: its own files and lib/contract.
    files: ["lib/client/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { ...browserOnly, message: BROWSER_MESSAGE },
            { regex: "^\\.\\./(?!contract/)[^.]", allowTypeImports: true, message: BROWSER_MESSAGE },
            { regex: "^(\\.\\./){2,}(?!contract/)", allowTypeImports: true, message: BROWSER_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    // The client package's relative imports: its own files and the server's lib/contract (bundled in).
    files: ["packages/client/src/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./){3,}(?!\\.\\./|lib/contract/)",
              allowTypeImports: true,
              message: "@riskpulse/client imports its own files and lib/contract only.",
            },
          ],
        },
      ],
    },
  },
  {
    // The contract reaches the browser: it imports the domain's DTO types, never its code.
    files: ["lib/contract/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.\\./", allowTypeImports: true, message: "lib/contract imports other modules as types only." }] },
      ],
    },
  },
  {
    // Scripts, tests and the config loader itself legitimately read the environment.
    files: [
      "lib/config.ts",
      "scripts/**",
      "examples/**",
      "packages/client/build.mjs",
      "test/**",
      "e2e/**",
      "bench/**",
      "playwright.config.ts",
      "prisma.config.ts",
      "lib/db/scratch.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["test/**", "e2e/**", "scripts/bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Playwright fixtures call `use`, which is not React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
