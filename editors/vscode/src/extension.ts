// A thin client: everything the editor shows comes from `jazz lsp`. This file only finds the
// binary, starts it over stdio, and restarts it when its path changes.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

// The files `jazz lsp` analyses. It publishes diagnostics for the whole project, so editing
// schema.ts also updates permissions.ts and the migrations.
const documentSelector = [
  { scheme: "file", pattern: "**/schema.ts" },
  { scheme: "file", pattern: "**/permissions.ts" },
  { scheme: "file", pattern: "**/migrations/*.ts" },
];

function serverPath(): string {
  const configured = vscode.workspace.getConfiguration("jazz").get<string>("serverPath");
  return configured && configured.trim() !== "" ? configured : "jazz";
}

async function start(output: vscode.OutputChannel): Promise<void> {
  const command = serverPath();
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{schema,permissions}.ts"),
    },
  };
  client = new LanguageClient("jazz", "Jazz", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `Could not start \`${command} lsp\`: ${message}. Set "jazz.serverPath" to the jazz binary.`,
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
  const output = vscode.window.createOutputChannel("Jazz");
  context.subscriptions.push(output);

  const restart = async () => {
    await stop();
    await start(output);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("jazz.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("jazz.serverPath")) {
        void restart();
      }
    }),
  );
  await start(output);
}

export function deactivate(): Promise<void> {
  return stop();
}
