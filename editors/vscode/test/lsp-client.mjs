// What both end-to-end scripts need: `jazz lsp --stdio` started with a real LSP client
// (vscode-languageserver-protocol) on its stdio, a way to wait for the next diagnostics of a
// file, and positions and text edits in plain strings.

import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import rpc from "vscode-languageserver-protocol/node.js";

// Starts `jazz lsp --stdio`. The caller registers its own handlers, then calls `conn.listen()`.
export function startServer(jazz) {
  const server = spawn(jazz, ["lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
  const conn = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  // Every publishDiagnostics, and waiters for the next one of a URI that `accept` takes.
  const waiters = [];
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    for (const w of waiters.splice(0)) {
      if (w.uri === p.uri && w.accept(p.diagnostics)) w.resolve(p.diagnostics);
      else waiters.push(w);
    }
  });
  const diagnosticsFor = (uri, accept = () => true) =>
    new Promise((resolve, reject) => {
      waiters.push({ uri, accept, resolve });
      setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 10000).unref();
    });
  return { server, exited, conn, diagnosticsFor };
}

// The position of `needle` (+ offset) in a text.
export const posIn = (body, needle, offset = 0) => {
  const i = body.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = body.slice(0, i);
  const line = before.split("\n").length - 1;
  return { line, character: i - (before.lastIndexOf("\n") + 1) + offset };
};

// The offset of an LSP position in a text.
export const offsetOf = (body, p) => {
  const lines = body.split("\n");
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
};

// A text with LSP text edits applied, as an editor applies them.
export const applyEdits = (body, edits) =>
  [...edits]
    .sort((x, y) => offsetOf(body, y.range.start) - offsetOf(body, x.range.start))
    .reduce(
      (t, e) => t.slice(0, offsetOf(t, e.range.start)) + e.newText + t.slice(offsetOf(t, e.range.end)),
      body,
    );
