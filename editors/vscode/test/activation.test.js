// Unit tests of the activation logic, run with `node --test` on the esbuild output.
const test = require("node:test");
const assert = require("node:assert/strict");
const { isJazzFile, serverCommand, needsRestart, documentSelector } = require("../out/activation.js");

test("schema.ts, permissions.ts and migrations/*.ts are Jazz files", () => {
  assert.equal(isJazzFile("/app/schema.ts"), true);
  assert.equal(isJazzFile("/app/src/lib/permissions.ts"), true);
  assert.equal(isJazzFile("/app/migrations/20240101-a-b.ts"), true);
  assert.equal(isJazzFile("C:\\app\\migrations\\x.ts"), true);
  assert.equal(isJazzFile("/app/index.ts"), false);
  assert.equal(isJazzFile("/app/migrations/notes.md"), false);
  assert.equal(isJazzFile("/app/my-schema.ts"), false);
  assert.equal(isJazzFile("migrations.ts"), false);
});

test("the server is `jazz lsp` from PATH unless a path is configured", () => {
  assert.deepEqual(serverCommand(undefined), { command: "jazz", args: ["lsp"] });
  assert.deepEqual(serverCommand("   "), { command: "jazz", args: ["lsp"] });
  assert.deepEqual(serverCommand(" /opt/jazz/bin/jazz "), {
    command: "/opt/jazz/bin/jazz",
    args: ["lsp"],
  });
});

test("only a change of jazz.serverPath restarts the server", () => {
  assert.equal(needsRestart((s) => s === "jazz.serverPath"), true);
  assert.equal(needsRestart((s) => s === "jazz.trace.server"), false);
});

test("the document selector matches the activation events", () => {
  const manifest = require("../package.json");
  for (const { pattern } of documentSelector) {
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${pattern}`), pattern);
  }
});
