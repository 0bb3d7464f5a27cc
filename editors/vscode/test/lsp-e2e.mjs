// End-to-end check of `jazz lsp` with a real LSP client (vscode-languageserver-protocol, the
// protocol layer of vscode-languageclient) over stdio, on the corpus apps and on a scratch copy
// of one (create migration, then definition, references and rename across schema.ts,
// permissions.ts and the created migration; completion in a where-object; edits inside a table,
// which the server parses in part, moving the diagnostics after them).
// Usage: node test/lsp-e2e.mjs <jazz binary> <tests/fixtures dir>. Exits non-zero on failure.
// Run by cli/tests/lsp_client.rs.

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import rpc from "vscode-languageserver-protocol/node.js";
import { applyEdits, posIn, startServer } from "./lsp-client.mjs";

const [jazz, fixtures] = process.argv.slice(2);
const { server, exited, conn, diagnosticsFor } = startServer(jazz);

const messages = [];
conn.onNotification(rpc.ShowMessageNotification.type, (p) => messages.push(p));
// workspace/applyEdit: create files and insert text, as an editor does.
const created = [];
conn.onRequest(rpc.ApplyWorkspaceEditRequest.type, ({ edit }) => {
  for (const change of edit.documentChanges ?? []) {
    const file = new URL(change.uri ?? change.textDocument.uri);
    if (change.kind === "create") {
      assert.ok(!existsSync(file), `create over an existing file: ${file}`);
      mkdirSync(path.dirname(file.pathname), { recursive: true });
      writeFileSync(file, "");
      created.push(file.pathname);
    } else {
      for (const e of change.edits) {
        assert.deepEqual(e.range.start, { line: 0, character: 0 });
        writeFileSync(file, e.newText + readFileSync(file, "utf8"));
      }
    }
  }
  return { applied: true };
});
const shown = [];
conn.onRequest(rpc.ShowDocumentRequest.type, (p) => {
  shown.push(p.uri);
  return { success: true };
});
conn.listen();

const app = path.join(fixtures, "projects-tasks");
const uri = pathToFileURL(path.join(app, "schema.ts")).href;
const text = readFileSync(path.join(app, "schema.ts"), "utf8");
const at = (needle, offset = 0) => posIn(text, needle, offset);
const schemaCodes = (ds) => ds.map((d) => d.code).filter((c) => /^JZ[01]/.test(c));

// A scratch copy of the corpus app for the features that write files.
const scratch = mkdtempSync(path.join(os.tmpdir(), "jazz-lsp-e2e-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
for (const f of ["schema.ts", "permissions.ts"]) cpSync(path.join(app, f), path.join(scratch, f));

await conn.sendRequest(rpc.InitializeRequest.type, {
  processId: process.pid,
  rootUri: pathToFileURL(app).href,
  capabilities: {
    workspace: { applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ["create"] } },
    window: { showDocument: { support: true } },
  },
  workspaceFolders: [
    { uri: pathToFileURL(app).href, name: "corpus" },
    { uri: pathToFileURL(scratch).href, name: "scratch" },
  ],
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

// References: the key and the ref in schema.ts, the four `policy.projects` in permissions.ts.
const permsUri = pathToFileURL(path.join(app, "permissions.ts")).href;
const refs = await conn.sendRequest(rpc.ReferencesRequest.type, {
  textDocument: { uri },
  position: at("projects: s.table", 2),
  context: { includeDeclaration: true },
});
assert.deepEqual(
  refs.map((r) => path.basename(new URL(r.uri).pathname)),
  ["schema.ts", "schema.ts", "permissions.ts", "permissions.ts", "permissions.ts", "permissions.ts"],
);
assert.ok(refs.filter((r) => r.uri === permsUri).every((r) => r.range.end.character - r.range.start.character === 8));

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

// The server parses an edit inside a table alone and moves what follows it: with the ref
// emptied again, a column typed into the first table pushes the tasks table down a line, and
// the ref's diagnostic moves with it.
diags = diagnosticsFor(uri, (ds) => schemaCodes(ds).length > 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 4 },
  contentChanges: [{ range: { start: ref, end: { ...ref, character: ref.character + 8 } }, text: "" }],
});
const jz1016 = async (ds) => {
  const found = (await ds).filter((d) => d.code === "JZ1016");
  assert.equal(found.length, 1, JSON.stringify(found));
  return found[0].range;
};
const emptied = await jz1016(diags);
assert.equal(emptied.start.line, ref.line);
const firstColumn = at("    name: s.string(),");
diags = diagnosticsFor(uri, (ds) => ds.some((d) => d.code === "JZ1016" && d.range.start.line !== emptied.start.line));
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 5 },
  contentChanges: [{ range: { start: firstColumn, end: firstColumn }, text: "    code: s.string(),\n" }],
});
const moved = await jz1016(diags);
assert.deepEqual(moved, {
  start: { ...emptied.start, line: emptied.start.line + 1 },
  end: { ...emptied.end, line: emptied.end.line + 1 },
});
diags = diagnosticsFor(uri, (ds) => schemaCodes(ds).length === 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 6 },
  contentChanges: [{ text }],
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

// Create migration: after a committed snapshot, a new column offers the action on schema.ts;
// running it creates the stub and the snapshot through workspace/applyEdit.
execFileSync(jazz, ["migrations", "create"], { cwd: scratch, stdio: "pipe" });
const sUri = pathToFileURL(path.join(scratch, "schema.ts")).href;
const sText = readFileSync(path.join(scratch, "schema.ts"), "utf8").replace(
  "dueAt: s.timestamp().optional(),",
  "dueAt: s.timestamp().optional(),\n    estimate: s.int(),",
);
writeFileSync(path.join(scratch, "schema.ts"), sText);
diags = diagnosticsFor(sUri);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri: sUri, languageId: "typescript", version: 1, text: sText },
});
assert.deepEqual(schemaCodes(await diags), []);
const origin = { line: 0, character: 0 };
const schemaActions = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: sUri },
  range: { start: origin, end: origin },
  context: { diagnostics: [] },
});
const create = schemaActions.find((a) => a.command?.command === "jazz.createMigration");
assert.ok(create, JSON.stringify(schemaActions));
assert.match(create.title, /^Create migration [0-9a-f]{12} → [0-9a-f]{12}/);
const ran = await conn.sendRequest(rpc.ExecuteCommandRequest.type, create.command);
assert.equal(ran.applied, true);
assert.equal(created.length, 2, JSON.stringify(created));
const stub = created.find((f) => f.endsWith(".ts"));
assert.match(path.basename(stub), /^\d{8}T\d{6}-unnamed-[0-9a-f]{12}-[0-9a-f]{12}\.ts$/);
assert.match(readFileSync(stub, "utf8"), /estimate: s\.int\(\)/);
assert.match(path.relative(scratch, created.find((f) => f.endsWith(".json"))), /^migrations\/snapshots\//);
assert.deepEqual(shown, [pathToFileURL(stub).href]);
// Now covered: the action is gone.
conn.sendNotification(rpc.DidChangeWatchedFilesNotification.type, {
  changes: [{ uri: pathToFileURL(stub).href, type: 1 }],
});
const after = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: sUri },
  range: { start: origin, end: origin },
  context: { diagnostics: [] },
});
assert.ok(!after.some((a) => a.command), JSON.stringify(after));

// Definition from permissions.ts into schema.ts: the FK string names the column.
const pUri = pathToFileURL(path.join(scratch, "permissions.ts")).href;
const pText = readFileSync(path.join(scratch, "permissions.ts"), "utf8").replace(
  "\n});",
  "\n  policy.tasks.allowRead.where({  });\n});",
);
conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
  textDocument: { uri: pUri, languageId: "typescript", version: 1, text: pText },
});
const toCol = await conn.sendRequest(rpc.DefinitionRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(pText, 'read("projectId")', 7),
});
assert.equal(toCol.uri, sUri);
assert.deepEqual(toCol.range.start, posIn(sText, "projectId: s.ref"));

// Completion in a where-object: the rule table's columns, `id` and the magic columns.
const keys = await conn.sendRequest(rpc.CompletionRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(pText, "where({  })", 8),
});
const keyLabels = (keys.items ?? keys).map((c) => c.label);
for (const k of ["title", "projectId", "estimate", "id", "$createdBy"]) assert.ok(keyLabels.includes(k), k);
assert.ok(!keyLabels.includes("name"), "columns of another table");

// References and rename across schema.ts, permissions.ts and the new migration's `to` side.
const stubUri = pathToFileURL(stub).href;
const colRefs = await conn.sendRequest(rpc.ReferencesRequest.type, {
  textDocument: { uri: sUri },
  position: posIn(sText, "projectId: s.ref", 2),
  context: { includeDeclaration: true },
});
const count = (list, u) => list.filter((r) => r.uri === u).length;
assert.deepEqual([count(colRefs, sUri), count(colRefs, pUri), count(colRefs, stubUri)], [1, 4, 1]);
const renamed = await conn.sendRequest(rpc.RenameRequest.type, {
  textDocument: { uri: pUri },
  position: posIn(pText, 'update("projectId")', 9),
  newName: "boardId",
});
assert.deepEqual(
  [sUri, pUri, stubUri].map((u) => (renamed.changes[u] ?? []).length),
  [1, 4, 1],
);
assert.ok(Object.values(renamed.changes).flat().every((e) => e.newText === "boardId"));
const stubText = readFileSync(stub, "utf8");
const stubEdit = renamed.changes[stubUri][0];
assert.equal(stubText.split("\n")[stubEdit.range.start.line].trim(), 'projectId: s.ref("projects"),');
// Hover on the migration's root: its edge, marked as the current schema's.
const stubHover = await conn.sendRequest(rpc.HoverRequest.type, {
  textDocument: { uri: stubUri },
  position: posIn(stubText, "defineMigration", 2),
});
assert.match(stubHover.contents.value, /^\*\*migration\*\* `[0-9a-f]{12}` → `[0-9a-f]{12}` \(the current schema\)/);
await assert.rejects(
  conn.sendRequest(rpc.RenameRequest.type, {
    textDocument: { uri: pUri },
    position: posIn(pText, 'update("projectId")', 9),
    newName: "title",
  }),
  /already exists/,
);

// "Add missing policies": without its insert and delete rules, `comments` gets JZ2101 (fix: an
// explicit `.never()`) and JZ2102 (fix: copy the update rule); one action applies both.
const gapped = pText
  .split("\n")
  .filter((l) => !/policy\.comments\.allow(Insert|Delete)/.test(l))
  .join("\n");
const missingCodes = (ds) => ds.map((d) => d.code).filter((c) => c === "JZ2101" || c === "JZ2102");
diags = diagnosticsFor(pUri, (ds) => missingCodes(ds).length > 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: pUri, version: 2 },
  contentChanges: [{ text: gapped }],
});
const gaps = (await diags).filter((d) => missingCodes([d]).length > 0);
assert.deepEqual(missingCodes(gaps).sort(), ["JZ2101", "JZ2102"]);
const policyActions = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: pUri },
  range: gaps[0].range,
  context: { diagnostics: gaps },
});
const addAll = policyActions.find((a) => a.title === "Add missing policies for table `comments`");
assert.ok(addAll, JSON.stringify(policyActions.map((a) => a.title)));
assert.equal(addAll.diagnostics.length, 2);
const fixed = applyEdits(gapped, addAll.edit.changes[pUri]);
assert.match(fixed, /policy\.comments\.allowInsert\.never\(\);/);
diags = diagnosticsFor(pUri, (ds) => missingCodes(ds).length === 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: pUri, version: 3 },
  contentChanges: [{ text: fixed }],
});
assert.deepEqual((await diags).filter((d) => d.severity === 1), []);

// A table with no rule at all gets one JZ2101 naming its four operations, and that
// diagnostic's own quick fix (the preferred action) adds all four `.never()` rules.
const bare = pText
  .split("\n")
  .filter((l) => !/policy\.comments\./.test(l))
  .join("\n");
diags = diagnosticsFor(pUri, (ds) => missingCodes(ds).length > 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: pUri, version: 4 },
  contentChanges: [{ text: bare }],
});
const bareGaps = (await diags).filter((d) => missingCodes([d]).length > 0);
assert.deepEqual(
  bareGaps.map((d) => [d.code, d.message.split("\n")[0]]),
  [["JZ2101", 'table "comments" has no policy for read, insert, update, delete']],
);
const bareActions = await conn.sendRequest(rpc.CodeActionRequest.type, {
  textDocument: { uri: pUri },
  range: bareGaps[0].range,
  context: { diagnostics: bareGaps },
});
const quick = bareActions.filter((a) => a.isPreferred);
assert.equal(quick.length, 1, JSON.stringify(bareActions.map((a) => a.title)));
assert.equal(quick[0].title, 'Add `.never()` for read, insert, update and delete of table "comments"');
assert.ok(
  !bareActions.some((a) => a.title.startsWith("Add missing policies")),
  JSON.stringify(bareActions.map((a) => a.title)),
);
const allFour = applyEdits(bare, quick[0].edit.changes[pUri]);
for (const b of ["allowRead", "allowInsert", "allowUpdate", "allowDelete"]) {
  assert.match(allFour, new RegExp(`policy\\.comments\\.${b}\\.never\\(\\);`));
}
diags = diagnosticsFor(pUri, (ds) => missingCodes(ds).length === 0);
conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
  textDocument: { uri: pUri, version: 5 },
  contentChanges: [{ text: allFour }],
});
assert.deepEqual((await diags).filter((d) => d.severity === 1), []);

await conn.sendRequest(rpc.ShutdownRequest.type);
conn.sendNotification(rpc.ExitNotification.type);
assert.equal(await exited, 0);
conn.dispose();
console.log("lsp-e2e: ok");
