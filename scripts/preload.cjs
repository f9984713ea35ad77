// Loaded (node --require) wherever server code runs outside Next: tests, the benchmark, CLI
// scripts. `server-only` marks modules that must never reach the browser; outside Next's
// react-server bundles its main file throws by design, so here it resolves to its empty file.
const Module = require("node:module");
const path = require("node:path");
const empty = path.join(path.dirname(require.resolve("server-only")), "empty.js");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === "server-only" ? empty : request, ...rest);
};
