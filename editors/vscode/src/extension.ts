// A thin client: everything the editor shows comes from `jazz lsp`. This file only finds the
// binary, starts it over stdio, shows its output channel, and restarts it on command or when
// its path changes. The decisions live in ./activation.ts (tested without VS Code).

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { documentSelector, needsRestart, serverCommand } from "./activation";

let client: LanguageClient | undefined;

async function start(output: vscode.OutputChannel): Promise<void> {
  const configured = vscode.workspace.getConfiguration("jazz").get<string>("serverPath");
  const { command, args } = serverCommand(configured);
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{schema.ts,permissions.ts,migrations/*.ts}",
      ),
    },
  };
  client = new LanguageClient("jazz", "Jazz", serverOptions, clientOptions);
  try {
    await client.start();
    output.appendLine(`started \`${command} ${args.join(" ")}\``);
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`could not start \`${command} lsp\`: ${message}`);
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
    vscode.commands.registerCommand("jazz.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((s) => event.affectsConfiguration(s))) {
        void restart();
      }
    }),
  );
  await start(output);
}

export function deactivate(): Promise<void> {
  return stop();
}
