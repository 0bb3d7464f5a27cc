// End-to-end check of `jazz lsp` while a file has an error, with a real LSP client
// (vscode-languageserver-protocol) over stdio, on a scratch copy of a corpus app: hover,
// completion and definition still answer from the last good analysis, positions follow the
// edit, nothing is answered about the edited table, and the did-you-mean of `s.strin()` comes
// with a quick fix that gives back `s.string()`.
// Usage: node test/lsp-e2e-errors.mjs <jazz binary> <tests/fixtures dir>. Exits non-zero on
// failure. Run by cli/tests/lsp_client.rs.

import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import rpc from "vscode-languageserver-protocol/node.js";
import { applyEdits, posIn, startServer } from "./lsp-client.mjs";

const [jazz, fixtures] = process.argv.slice(2);
const { server, exited, conn, diagnosticsFor } = startServer(jazz);
conn.listen();

const codes = (ds) => ds.filter((d) => d.severity === 1).map((d) => d.code);
const labels = (c) => (c?.items ?? c ?? []).map((i) => i.label);

const scratch = mkdtempSync(path.join(os.tmpdir(), "jazz-lsp-e2e-errors-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const app = path.join(fixtures, "projects-tasks");
for (const f of ["schema.ts", "permissions.ts"]) cpSync(path.join(app, f), path.join(scratch, f));
const sUri = pathToFileURL(path.join(scratch, "schema.ts")).href;
const pUri = pathToFileURL(path.join(scratch, "permissions.ts")).href;
const good = readFileSync(path.join(scratch, "schema.ts"), "utf8");
// An empty where-object in permissions.ts, to complete its keys.
const perms = readFileSync(path.join(scratch, "permissions.ts"), "utf8").replace(
  "\n});",
  "\n  policy.comments.allowRead.where({  });\n});",
);

await conn.sendRequest(rpc.InitializeRequest.type, {
  processId: process.pid,
  rootUri: pathToFileURL(scratch).href,
  capabilities: {},
  workspaceFolders: [{ uri: pathToFileURL(scratch).href, name: "scratch" }],
  initializationOptions: { debounceMs: 10 },
});
conn.sendNotification(rpc.InitializedNotification.type, {});

// The clean project first: this is the analysis the server keeps.
let diags = diagnosticsFor(sUri);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri: sUri, languageId: "typescript", version: 1, text: good },
});
assert.deepEqual(codes(await diags), []);
diags = diagnosticsFor(pUri);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri: pUri, languageId: "typescript", version: 1, text: perms },
});
assert.deepEqual(codes(await diags), []);

// An unknown column type in `projects`, and a new line: what follows moves down a line.
const broken = good.replace("name: s.string(),", "name: s.strin(),\n    extra: s.int(),");
diags = diagnosticsFor(sUri, (ds) => codes(ds).length > 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: sUri, version: 2 },
  contentChanges: [{ text: broken }],
});
const errors = (await diags).filter((d) => d.severity === 1);
assert.deepEqual(errors.map((d) => d.code), ["JZ0103"]);

// Hover on another table's column still answers, with today's range.
const hover = await conn.sendRequest(rpc.HoverRequest.type, {
  textDocument: { uri: sUri },
  position: posIn(broken, "title: s.string()", 2),
});
assert.ok(hover, "hover on tasks.title while schema.ts has an error");
assert.match(hover.contents.value, /tasks\.title: string, not null/);
assert.deepEqual(hover.range.start, posIn(broken, "title: s.string()"));
// Nothing is said about the edited table.
const edited = await conn.sendRequest(rpc.HoverRequest.type, {
  textDocument: { uri: sUri },
  position: posIn(broken, "archived", 2),
});
assert.equal(edited, null);

// Completion after `s.` offers the column types.
const cols = await conn.sendRequest(rpc.CompletionRequest.type, {
  textDocument: { uri: sUri },
  position: posIn(broken, "done: s.boolean", 8),
});
for (const l of ["string", "int", "ref"]) assert.ok(labels(cols).includes(l), l);

// permissions.ts is not compiled over a broken schema; its last good analysis answers.
const def = await conn.sendRequest(rpc.DefinitionRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(perms, "policy.tasks", 8),
});
assert.ok(def, "definition of `tasks` from permissions.ts");
assert.equal(def.uri, sUri);
assert.deepEqual(def.range.start, posIn(broken, "tasks: s.table"));
const fk = await conn.sendRequest(rpc.DefinitionRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(perms, 'read("taskId")', 7),
});
assert.deepEqual(fk?.range.start, posIn(broken, "taskId: s.ref"));
const keys = await conn.sendRequest(rpc.CompletionRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(perms, "where({  })", 8),
});
for (const k of ["body", "taskId", "id"]) assert.ok(labels(keys).includes(k), k);

// The quick fix of the did-you-mean gives `s.string()` back, and the error goes.
const actions = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: sUri },
  range: errors[0].range,
  context: { diagnostics: errors },
});
const fix = actions.find((a) => a.title === "Replace with `string`");
assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
assert.equal(fix.isPreferred, true);
const fixed = applyEdits(broken, fix.edit.changes[sUri]);
assert.equal(fixed, good.replace("name: s.string(),", "name: s.string(),\n    extra: s.int(),"));
diags = diagnosticsFor(sUri, (ds) => codes(ds).length === 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: sUri, version: 3 },
  contentChanges: [{ text: fixed }],
});
await diags;

await conn.sendRequest(rpc.ShutdownRequest.type);
conn.sendNotification(rpc.ExitNotification.type);
assert.equal(await exited, 0);
conn.dispose();
console.log("lsp-e2e-errors: ok");
