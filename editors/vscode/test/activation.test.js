// Unit tests of the activation logic, run with `node --test` on the esbuild output.
const test = require("node:test");
const assert = require("node:assert/strict");
const {
  isJazzFile,
  importsJazzTools,
  dependsOnJazzTools,
  isJazzProject,
  resolveServer,
  parseVersion,
  describeServer,
  needsRestart,
  documentSelector,
  watchedFiles,
} = require("../out/activation.js");

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

test("the server hears of changes to Jazz files and committed snapshots on disk", () => {
  const { matchesGlob } = require("node:path");
  for (const path of [
    "/app/schema.ts",
    "/app/src/lib/permissions.ts",
    "/app/migrations/20240101-a-b.ts",
    "/app/migrations/snapshots/20240101T000000-aaaaaaaaaaaa.json",
  ]) {
    assert.equal(matchesGlob(path, watchedFiles), true, path);
  }
  for (const path of ["/app/index.ts", "/app/migrations/notes.md", "/app/snapshots/x.json"]) {
    assert.equal(matchesGlob(path, watchedFiles), false, path);
  }
});

test("a schema.ts is a Jazz schema when it names jazz-tools as a module", () => {
  assert.equal(importsJazzTools('import { schema as s } from "jazz-tools";'), true);
  assert.equal(importsJazzTools("import { definePermissions } from 'jazz-tools/permissions';"), true);
  assert.equal(importsJazzTools('import { pgTable } from "drizzle-orm/pg-core";'), false);
  assert.equal(importsJazzTools('import { x } from "jazz-tools-extra";'), false);
  assert.equal(importsJazzTools("// jazz-tools someday"), false);
});

test("a package.json depends on jazz-tools in any dependency field", () => {
  assert.equal(dependsOnJazzTools('{ "dependencies": { "jazz-tools": "^2.0.0" } }'), true);
  assert.equal(dependsOnJazzTools('{ "devDependencies": { "jazz-tools": "2.0.0-alpha.50" } }'), true);
  assert.equal(dependsOnJazzTools('{ "dependencies": { "drizzle-orm": "1" }, "name": "jazz-tools" }'), false);
  assert.equal(dependsOnJazzTools("not json"), false);
  assert.equal(dependsOnJazzTools("null"), false);
});

test("the extension activates only for Jazz projects", () => {
  const drizzle = 'import { pgTable } from "drizzle-orm/pg-core";\nexport const users = pgTable("users", {});';
  assert.equal(isJazzProject({ packageJsons: ['{ "dependencies": { "drizzle-orm": "1" } }'], schemas: [drizzle] }), false);
  assert.equal(isJazzProject({ packageJsons: [], schemas: [] }), false);
  assert.equal(isJazzProject({ packageJsons: [], schemas: [drizzle, 'import { schema } from "jazz-tools";'] }), true);
  assert.equal(isJazzProject({ packageJsons: ['{ "dependencies": { "jazz-tools": "^2" } }'], schemas: [drizzle] }), true);
});

test("the server binary: setting, then node_modules/.bin, then bundled, then PATH", () => {
  const all = new Set([
    "/ws/a/node_modules/.bin/jazz",
    "/ws/b/node_modules/.bin/jazz",
    "/ext/bin/jazz",
  ]);
  const base = { workspaceFolders: ["/ws/a/", "/ws/b"], extensionPath: "/ext", platform: "linux" };
  const pick = (configured, present) =>
    resolveServer({ ...base, configured, exists: (p) => present.has(p) });
  const lsp = { args: ["lsp"], shell: false };

  assert.deepEqual(pick(" /opt/jazz ", all), { source: "setting", command: "/opt/jazz", ...lsp });
  assert.deepEqual(pick("", all), { source: "workspace", command: "/ws/a/node_modules/.bin/jazz", ...lsp });
  all.delete("/ws/a/node_modules/.bin/jazz");
  assert.deepEqual(pick(undefined, all), { source: "workspace", command: "/ws/b/node_modules/.bin/jazz", ...lsp });
  all.delete("/ws/b/node_modules/.bin/jazz");
  assert.deepEqual(pick("  ", all), { source: "bundled", command: "/ext/bin/jazz", ...lsp });
  all.delete("/ext/bin/jazz");
  assert.deepEqual(pick(undefined, all), { source: "PATH", command: "jazz", ...lsp });
});

test("on Windows the npm shim runs through a shell and the bundled binary is jazz.exe", () => {
  const win = { workspaceFolders: ["C:\\ws"], extensionPath: "C:\\ext", platform: "win32", configured: "" };
  assert.deepEqual(resolveServer({ ...win, exists: (p) => p === "C:\\ws\\node_modules\\.bin\\jazz.cmd" }), {
    source: "workspace",
    command: "C:\\ws\\node_modules\\.bin\\jazz.cmd",
    args: ["lsp"],
    shell: true,
  });
  assert.equal(resolveServer({ ...win, exists: (p) => p === "C:\\ext\\bin\\jazz.exe" }).command, "C:\\ext\\bin\\jazz.exe");
});

test("the output channel and status bar name the binary, its origin and its version", () => {
  assert.equal(parseVersion("jazz 0.1.0 (compatible with jazz-tools 2.0.0-alpha.50)\n"), "0.1.0");
  assert.equal(parseVersion("command not found"), undefined);
  const choice = { source: "bundled", command: "/ext/bin/jazz", args: ["lsp"], shell: false };
  const said = describeServer(choice, "0.1.0");
  assert.equal(said.status, "Jazz 0.1.0");
  assert.match(said.log, /`\/ext\/bin\/jazz lsp` \(jazz 0\.1\.0\) from the binary bundled with the extension/);
  assert.match(said.tooltip, /\/ext\/bin\/jazz/);
  assert.match(describeServer({ ...choice, source: "workspace" }, undefined).log, /unknown version\) from the workspace's node_modules/);
});

test("only a change of jazz.serverPath restarts the server", () => {
  assert.equal(needsRestart((s) => s === "jazz.serverPath"), true);
  assert.equal(needsRestart((s) => s === "jazz.trace.server"), false);
});

test("the activation events cover the Jazz files and the root package.json", () => {
  const manifest = require("../package.json");
  for (const { pattern } of documentSelector) {
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${pattern}`), pattern);
  }
  assert.ok(manifest.activationEvents.includes("workspaceContains:package.json"));
  assert.equal(manifest.contributes.configuration.properties["jazz.serverPath"].default, "");
  assert.equal(manifest.scripts["vscode:prepublish"], "npm run build");
});
