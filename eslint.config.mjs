// Lint gate (`npm run lint`, first step of `npm test`): Next's recommended rules plus
// typescript-eslint, with type-only imports kept apart so the server/browser boundary stays
// visible in every import line. Formatting is Prettier's job (`prettier --check`).
import next from "eslint-config-next";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "dist/**",
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
    // Scripts, tests and the config loader itself legitimately read the environment.
    files: [
      "lib/config.ts",
      "scripts/**",
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
