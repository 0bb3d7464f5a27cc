// A thin client: everything the editor shows comes from `jazz lsp`. This file only checks that
// the workspace is a Jazz project, finds the binary, starts it over stdio, shows which one runs
// (output channel and status bar), and restarts it on command or when its path changes. The
// decisions live in ./activation.ts (tested without VS Code).

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import {
  ServerChoice,
  describeServer,
  documentSelector,
  isJazzProject,
  needsRestart,
  parseVersion,
  resolveServer,
  watchedFiles,
} from "./activation";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

/** Reads the workspace's package.json files and schema.ts files (outside node_modules). */
async function jazzProject(): Promise<boolean> {
  const read = async (glob: string, limit: number) => {
    const uris = await vscode.workspace.findFiles(glob, "**/node_modules/**", limit);
    const texts = await Promise.all(
      uris.map(async (uri) => {
        try {
          return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        } catch {
          return "";
        }
      }),
    );
    return texts;
  };
  return isJazzProject({
    packageJsons: await read("**/package.json", 50),
    schemas: await read("**/schema.ts", 50),
  });
}

function version(choice: ServerChoice): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(choice.command, ["--version"], { shell: choice.shell, timeout: 10000 }, (err, stdout) =>
      resolve(err ? undefined : parseVersion(stdout)),
    );
  });
}

async function start(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<void> {
  const choice = resolveServer({
    configured: vscode.workspace.getConfiguration("jazz").get<string>("serverPath"),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    extensionPath: context.extensionPath,
    platform: process.platform,
    exists: existsSync,
  });
  const said = describeServer(choice, await version(choice));
  output.appendLine(said.log);
  status ??= vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 10);
  status.text = said.status;
  status.tooltip = said.tooltip;
  status.command = "jazz.showOutput";
  status.show();

  const serverOptions: ServerOptions = {
    command: choice.command,
    args: choice.args,
    transport: TransportKind.stdio,
    options: { shell: choice.shell },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(watchedFiles),
    },
  };
  client = new LanguageClient("jazz", "Jazz", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`could not start \`${choice.command} lsp\`: ${message}`);
    status.text = "$(error) Jazz";
    void vscode.window.showErrorMessage(
      `Could not start \`${choice.command} lsp\`: ${message}. Install the npm package ` +
        '(`npm install -D @jazz-native/cli`) or set "jazz.serverPath" to a jazz binary.',
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  let output: vscode.OutputChannel | undefined;
  let started = false;
  const restart = async () => {
    if (!(await jazzProject())) {
      return;
    }
    if (!output) {
      output = vscode.window.createOutputChannel("Jazz");
      context.subscriptions.push(output);
    }
    started = true;
    await stop();
    await start(context, output);
  };
  // A workspace that becomes a Jazz project later (jazz-tools added) starts the server then.
  const watcher = vscode.workspace.createFileSystemWatcher("**/{package.json,schema.ts}");
  const recheck = () => {
    if (!started) {
      void restart();
    }
  };
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(recheck),
    watcher.onDidChange(recheck),
    vscode.commands.registerCommand("jazz.restartServer", restart),
    vscode.commands.registerCommand("jazz.showOutput", () => output?.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (started && needsRestart((s) => event.affectsConfiguration(s))) {
        void restart();
      }
    }),
    { dispose: () => status?.dispose() },
  );
  await restart();
}

export function deactivate(): Promise<void> {
  return stop();
}
