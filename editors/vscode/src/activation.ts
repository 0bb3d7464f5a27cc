// The extension's decisions, kept free of the `vscode` module so they can be unit-tested
// under plain Node: whether a workspace is a Jazz project, which files are Jazz files, which
// binary starts the server, and when a configuration change needs a restart.

/** The files `jazz lsp` analyses; it publishes diagnostics for the whole project. */
export const documentSelector = [
  { scheme: "file", pattern: "**/schema.ts" },
  { scheme: "file", pattern: "**/permissions.ts" },
  { scheme: "file", pattern: "**/migrations/*.ts" },
];

/**
 * Files whose change on disk the server is told of (it then analyses again): the Jazz files,
 * and the committed snapshots, against which it reports a schema change that still needs a
 * migration (JZ3504).
 */
export const watchedFiles =
  "**/{schema.ts,permissions.ts,migrations/*.ts,migrations/snapshots/*.json}";

/** Whether a file path is one the server handles (schema.ts, permissions.ts, migrations/*.ts). */
export function isJazzFile(path: string): boolean {
  const parts = path.split(/[\\/]+/).filter((p) => p !== "");
  const name = parts[parts.length - 1] ?? "";
  if (name === "schema.ts" || name === "permissions.ts") {
    return true;
  }
  return parts.length >= 2 && parts[parts.length - 2] === "migrations" && name.endsWith(".ts");
}

/**
 * Whether a module's text names the `jazz-tools` package (or a subpath of it) as a quoted
 * module specifier, the same textual test the server applies before it reports anything.
 */
export function importsJazzTools(text: string): boolean {
  return /(["'`])jazz-tools(\1|\/)/.test(text);
}

/** Whether a package.json's text lists `jazz-tools` among its dependencies of any kind. */
export function dependsOnJazzTools(packageJson: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(packageJson);
  } catch {
    return false;
  }
  if (typeof manifest !== "object" || manifest === null) {
    return false;
  }
  const fields = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];
  return fields.some((field) => {
    const deps = (manifest as Record<string, unknown>)[field];
    return typeof deps === "object" && deps !== null && Object.hasOwn(deps, "jazz-tools");
  });
}

/**
 * Whether the workspace is a Jazz project: a package.json depends on jazz-tools, or a
 * schema.ts imports it. Anything else (a Drizzle or Prisma schema.ts) leaves the extension
 * silent.
 */
export function isJazzProject(files: { packageJsons: string[]; schemas: string[] }): boolean {
  return files.packageJsons.some(dependsOnJazzTools) || files.schemas.some(importsJazzTools);
}

/** Where the server binary came from, in the order it is looked for. */
export type ServerSource = "setting" | "workspace" | "bundled" | "PATH";

export interface ServerChoice {
  source: ServerSource;
  command: string;
  args: string[];
  /** Run through a shell (the `.cmd` shims npm writes on Windows). */
  shell: boolean;
}

export interface ResolveInput {
  /** The `jazz.serverPath` setting. */
  configured: string | undefined;
  /** The workspace folders' paths, in order. */
  workspaceFolders: string[];
  /** The extension's install directory (a platform .vsix carries `bin/jazz` there). */
  extensionPath: string;
  /** `process.platform`. */
  platform: string;
  /** Whether a file exists (tests pass their own). */
  exists: (path: string) => boolean;
}

function join(platform: string, ...parts: string[]): string {
  const sep = platform === "win32" ? "\\" : "/";
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") : p)).join(sep);
}

/**
 * The binary that runs `jazz lsp`: the `jazz.serverPath` setting, else the workspace's
 * `node_modules/.bin/jazz` (the project's pinned version, from the npm package), else the
 * binary bundled in a platform-specific .vsix, else `jazz` from PATH.
 */
export function resolveServer(input: ResolveInput): ServerChoice {
  const args = ["lsp"];
  const configured = input.configured?.trim() ?? "";
  if (configured !== "") {
    return { source: "setting", command: configured, args, shell: /\.(cmd|bat)$/i.test(configured) };
  }
  const win = input.platform === "win32";
  for (const folder of input.workspaceFolders) {
    const shim = join(input.platform, folder, "node_modules", ".bin", win ? "jazz.cmd" : "jazz");
    if (input.exists(shim)) {
      return { source: "workspace", command: shim, args, shell: win };
    }
  }
  const bundled = join(input.platform, input.extensionPath, "bin", win ? "jazz.exe" : "jazz");
  if (input.exists(bundled)) {
    return { source: "bundled", command: bundled, args, shell: false };
  }
  return { source: "PATH", command: "jazz", args, shell: false };
}

/** The version in `jazz --version`'s output (`jazz 0.1.0`), or undefined. */
export function parseVersion(output: string): string | undefined {
  return /^jazz (\S+)/m.exec(output)?.[1];
}

/** What the output channel and the status bar say about the running server. */
export function describeServer(choice: ServerChoice, version: string | undefined): {
  log: string;
  status: string;
  tooltip: string;
} {
  const where = {
    setting: "the jazz.serverPath setting",
    workspace: "the workspace's node_modules",
    bundled: "the binary bundled with the extension",
    PATH: "PATH",
  }[choice.source];
  const v = version ?? "unknown version";
  return {
    log: `running \`${choice.command} ${choice.args.join(" ")}\` (jazz ${v}) from ${where}`,
    status: version ? `Jazz ${version}` : "Jazz",
    tooltip: `jazz lsp ${v}: ${choice.command} (from ${where})`,
  };
}

/** Whether a configuration change (tested with `affects`) needs the server restarted. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects("jazz.serverPath");
}
