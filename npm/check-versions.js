#!/usr/bin/env node
// Checks that every npm package here, the main package's optionalDependencies and the VS Code
// extension carry the crate's version (the workspace Cargo.toml's [workspace.package]
// version), and that the platform packages agree with the launcher's platform table.
// Usage: node npm/check-versions.js [<repository root>]. Exits non-zero and lists every mismatch.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { PLATFORMS } = require("./cli/bin/jazz.js");

const root = process.argv[2] ?? path.join(__dirname, "..");
const readJson = (p) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));

function crateVersion() {
  const toml = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[workspace\.package\]\s*$/m)[1] ?? "";
  const body = section.split(/^\[/m)[0];
  const m = body.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error("no version in Cargo.toml's [workspace.package]");
  return m[1];
}

const version = crateVersion();
const problems = [];
const expect = (what, actual, wanted) => {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    problems.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  }
};

const main = readJson("npm/cli/package.json");
expect("npm/cli version", main.version, version);
expect("npm/cli optionalDependencies", Object.keys(main.optionalDependencies ?? {}), Object.values(PLATFORMS));
for (const [name, v] of Object.entries(main.optionalDependencies ?? {})) {
  expect(`npm/cli optionalDependencies.${name}`, v, version);
}

const dirs = fs.readdirSync(path.join(root, "npm/platforms")).sort();
expect("npm/platforms directories", dirs, Object.keys(PLATFORMS).sort());
for (const key of dirs) {
  const pkg = readJson(`npm/platforms/${key}/package.json`);
  const [os, cpu, libc] = key.split("-");
  expect(`npm/platforms/${key} name`, pkg.name, PLATFORMS[key]);
  expect(`npm/platforms/${key} version`, pkg.version, version);
  expect(`npm/platforms/${key} os`, pkg.os, [os]);
  expect(`npm/platforms/${key} cpu`, pkg.cpu, [cpu]);
  expect(`npm/platforms/${key} libc`, pkg.libc, libc ? [libc === "gnu" ? "glibc" : libc] : undefined);
  expect(`npm/platforms/${key} files`, pkg.files, [`bin/${os === "win32" ? "jazz.exe" : "jazz"}`]);
}

expect("editors/vscode version", readJson("editors/vscode/package.json").version, version);

if (problems.length > 0) {
  console.error(`versions and platforms disagree with Cargo.toml (${version}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`npm packages and the VS Code extension are at ${version}`);
