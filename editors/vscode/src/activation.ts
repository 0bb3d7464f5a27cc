// The extension's decisions, kept free of the `vscode` module so they can be unit-tested
// under plain Node: which files are Jazz files, which command starts the server, and when a
// configuration change needs a restart.

/** The files `jazz lsp` analyses; it publishes diagnostics for the whole project. */
export const documentSelector = [
  { scheme: "file", pattern: "**/schema.ts" },
  { scheme: "file", pattern: "**/permissions.ts" },
  { scheme: "file", pattern: "**/migrations/*.ts" },
];

/** Whether a file path is one the server handles (schema.ts, permissions.ts, migrations/*.ts). */
export function isJazzFile(path: string): boolean {
  const parts = path.split(/[\\/]+/).filter((p) => p !== "");
  const name = parts[parts.length - 1] ?? "";
  if (name === "schema.ts" || name === "permissions.ts") {
    return true;
  }
  return parts.length >= 2 && parts[parts.length - 2] === "migrations" && name.endsWith(".ts");
}

/** The command that starts the server: `<serverPath> lsp`, `jazz` from PATH by default. */
export function serverCommand(configured: string | undefined): { command: string; args: string[] } {
  const trimmed = configured?.trim() ?? "";
  return { command: trimmed === "" ? "jazz" : trimmed, args: ["lsp"] };
}

/** Whether a configuration change (tested with `affects`) needs the server restarted. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects("jazz.serverPath");
}
