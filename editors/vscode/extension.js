// @ts-check
// The VS Code client of the mimi-policy language server: starts `mimi-policy lsp --stdio` for .mimi
// files. Plain JavaScript, not built by the project's tsconfig; `npm install` in this folder brings
// its one dependency (vscode-languageclient).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** How to run mimi-policy: the setting, else the workspace's own copy, else the one on the PATH. */
function serverOptions() {
  const configured = vscode.workspace.getConfiguration('mimiPolicy').get('server.command');
  if (typeof configured === 'string' && configured.trim()) {
    const [command, ...args] = configured.trim().split(/\s+/);
    return { command, args: [...args, 'lsp', '--stdio'] };
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    // a checkout of mimi-policy itself, or a project that depends on it
    for (const rel of ['bin/mimi-policy.js', 'node_modules/mimi-policy/bin/mimi-policy.js']) {
      const script = path.join(folder.uri.fsPath, rel);
      if (fs.existsSync(script)) return { command: 'node', args: [script, 'lsp', '--stdio'] };
    }
  }
  return { command: 'mimi-policy', args: ['lsp', '--stdio'] };
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  client = new LanguageClient('mimiPolicy', 'MIMI policy', serverOptions(), {
    documentSelector: [
      { scheme: 'file', language: 'mimi' },
      { scheme: 'untitled', language: 'mimi' },
    ],
  });
  context.subscriptions.push({ dispose: () => void client?.stop() });
  await client.start();
}

async function deactivate() {
  await client?.stop();
  client = undefined;
}

module.exports = { activate, deactivate };
