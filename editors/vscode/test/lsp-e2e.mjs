// End-to-end check of `jazz lsp` with a real LSP client (vscode-languageserver-protocol, the
// protocol layer of vscode-languageclient) over stdio, on the corpus apps.
// Usage: node test/lsp-e2e.mjs <jazz binary> <tests/fixtures dir>. Exits non-zero on failure.
// Run by cli/tests/lsp_client.rs.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import rpc from "vscode-languageserver-protocol/node.js";

const [jazz, fixtures] = process.argv.slice(2);
const server = spawn(jazz, ["lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
const conn = rpc.createProtocolConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);

// Every publishDiagnostics, and waiters for the next one of a URI.
const waiters = [];
conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
  for (const w of waiters.splice(0)) {
    if (w.uri === p.uri && w.accept(p.diagnostics)) w.resolve(p.diagnostics);
    else waiters.push(w);
  }
});
const messages = [];
conn.onNotification(rpc.ShowMessageNotification.type, (p) => messages.push(p));
function diagnosticsFor(uri, accept = () => true) {
  return new Promise((resolve, reject) => {
    waiters.push({ uri, accept, resolve });
    setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 10000).unref();
  });
}
conn.listen();

const app = path.join(fixtures, "projects-tasks");
const uri = pathToFileURL(path.join(app, "schema.ts")).href;
const text = readFileSync(path.join(app, "schema.ts"), "utf8");
const at = (needle, offset = 0) => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i);
  const line = before.split("\n").length - 1;
  return { line, character: i - (before.lastIndexOf("\n") + 1) + offset };
};
const schemaCodes = (ds) => ds.map((d) => d.code).filter((c) => /^JZ[01]/.test(c));

await conn.sendRequest(rpc.InitializeRequest.type, {
  processId: process.pid,
  rootUri: pathToFileURL(app).href,
  capabilities: {},
  workspaceFolders: null,
  initializationOptions: { debounceMs: 10 },
});
conn.sendNotification(rpc.InitializedNotification.type, {});

// Diagnostics: a clean corpus app publishes schema.ts with no schema findings.
let diags = diagnosticsFor(uri);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri, languageId: "typescript", version: 1, text },
});
assert.deepEqual(schemaCodes(await diags), []);

// Hover: the table summary.
const hover = await conn.sendRequest(rpc.HoverRequest.type, {
  textDocument: { uri },
  position: at("tasks: s.table", 1),
});
assert.match(hover.contents.value, /\*\*table\*\* `tasks`/);
assert.match(hover.contents.value, /priority: int, not null, default 0/);

// Definition: the ref string goes to the table's key.
const def = await conn.sendRequest(rpc.DefinitionRequest.type, {
  textDocument: { uri },
  position: at('s.ref("projects")', 8),
});
assert.deepEqual(def.range.start, at("projects: s.table"));

// References: the key and the ref.
const refs = await conn.sendRequest(rpc.ReferencesRequest.type, {
  textDocument: { uri },
  position: at("projects: s.table", 2),
  context: { includeDeclaration: true },
});
assert.equal(refs.length, 2);

// Rename: the key and both refs to tasks, with a warning about the schema hash.
const edit = await conn.sendRequest(rpc.RenameRequest.type, {
  textDocument: { uri },
  position: at("tasks: s.table", 1),
  newName: "todos",
});
assert.equal(edit.changes[uri].length, 3);
assert.ok(edit.changes[uri].every((e) => e.newText === "todos"));
await new Promise((r) => setTimeout(r, 100));
assert.ok(messages.some((m) => /schema hash/.test(m.message)), JSON.stringify(messages));

// An edit: the emptied ref is reported (JZ1016), completion offers the tables, and undoing
// the edit clears the diagnostic.
const ref = at('s.ref("projects")', 7);
diags = diagnosticsFor(uri, (ds) => schemaCodes(ds).length > 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 2 },
  contentChanges: [{ range: { start: ref, end: { ...ref, character: ref.character + 8 } }, text: "" }],
});
assert.deepEqual(schemaCodes(await diags), ["JZ1016"]);
const completion = await conn.sendRequest(rpc.CompletionRequest.type, {
  textDocument: { uri },
  position: ref,
});
const labels = (completion.items ?? completion).map((c) => c.label);
assert.deepEqual(labels, ["projects", "tasks", "comments"]);
diags = diagnosticsFor(uri, (ds) => schemaCodes(ds).length === 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 3 },
  contentChanges: [{ range: { start: ref, end: ref }, text: "projects" }],
});
await diags;

// Code actions: the quick fix of an error corpus app.
const bad = pathToFileURL(path.join(fixtures, "errors", "dollar-column", "schema.ts")).href;
const badText = readFileSync(new URL(bad), "utf8");
diags = diagnosticsFor(bad);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri: bad, languageId: "typescript", version: 1, text: badText },
});
const found = (await diags).find((d) => d.code === "JZ1010");
assert.ok(found, "JZ1010 published");
const actions = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: bad },
  range: found.range,
  context: { diagnostics: [found] },
});
assert.deepEqual(actions.map((a) => a.title), ["Rename to `owner`"]);
assert.equal(actions[0].edit.changes[bad][0].newText, "owner");

await conn.sendRequest(rpc.ShutdownRequest.type);
conn.sendNotification(rpc.ExitNotification.type);
assert.equal(await exited, 0);
conn.dispose();
console.log("lsp-e2e: ok");
