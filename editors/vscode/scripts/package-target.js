#!/usr/bin/env node
// Packages a platform-specific .vsix that carries the jazz binary at bin/jazz[.exe]:
//   npm run package:target -- <vsce target> <jazz binary>
// e.g. `npm run package:target -- linux-x64 ../../target/release/jazz`, which writes
// jazz-linux-x64-<version>.vsix. The copied binary is removed again afterwards.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const TARGETS = ["linux-x64", "linux-arm64", "alpine-x64", "darwin-x64", "darwin-arm64", "win32-x64"];
const [target, binary] = process.argv.slice(2);
if (!TARGETS.includes(target) || !binary) {
  console.error(`usage: npm run package:target -- <${TARGETS.join("|")}> <jazz binary>`);
  process.exit(2);
}
if (!fs.existsSync(binary)) {
  console.error(`package:target: no binary at ${binary}`);
  process.exit(1);
}

const root = path.join(__dirname, "..");
const bin = path.join(root, "bin");
const exe = path.join(bin, target.startsWith("win32-") ? "jazz.exe" : "jazz");
fs.rmSync(bin, { recursive: true, force: true });
fs.mkdirSync(bin);
try {
  fs.copyFileSync(binary, exe);
  fs.chmodSync(exe, 0o755);
  const vsce = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
  execFileSync(vsce, ["package", "--target", target, "--no-dependencies", "--skip-license"], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
} finally {
  fs.rmSync(bin, { recursive: true, force: true });
}
