#!/usr/bin/env node
// The `jazz` command of the npm package: finds the native binary for this platform in its
// optional dependency (or in $JAZZ_BINARY) and runs it with the same arguments and stdio,
// forwarding signals and the exit status. Plain Node, no dependencies, no downloads.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");

/** Platform keys (`<os>-<cpu>[-<libc>]`) that have a package, and the package's name. */
const PLATFORMS = {
  "linux-x64-gnu": "@jazz-native/cli-linux-x64-gnu",
  "linux-x64-musl": "@jazz-native/cli-linux-x64-musl",
  "linux-arm64-gnu": "@jazz-native/cli-linux-arm64-gnu",
  "darwin-x64": "@jazz-native/cli-darwin-x64",
  "darwin-arm64": "@jazz-native/cli-darwin-arm64",
  "win32-x64": "@jazz-native/cli-win32-x64",
};

/**
 * The C library on Linux: "gnu" when Node reports a glibc runtime version, "musl" otherwise
 * (Alpine). `null` off Linux. `report` is `process.report.getReport()`, passed in by tests.
 */
function detectLibc(platform = process.platform, report) {
  if (platform !== "linux") return null;
  let header;
  try {
    header = (report ?? process.report.getReport()).header;
  } catch {
    header = undefined;
  }
  return header && header.glibcVersionRuntime ? "gnu" : "musl";
}

/** This machine's platform key, e.g. `linux-x64-gnu` or `darwin-arm64`. */
function platformKey(platform = process.platform, arch = process.arch, libc = detectLibc(platform)) {
  return libc ? `${platform}-${arch}-${libc}` : `${platform}-${arch}`;
}

/** The binary's file name inside a platform package. */
function binaryName(platform = process.platform) {
  return platform === "win32" ? "jazz.exe" : "jazz";
}

/**
 * Where the binary is: `{ path }`, or `{ error }` with a message naming the platform and the fix.
 * `resolve` is `require.resolve` (tests pass their own).
 */
function findBinary({ env = process.env, key, platform = process.platform, resolve = require.resolve } = {}) {
  const override = env.JAZZ_BINARY;
  if (override) {
    if (fs.existsSync(override)) return { path: override };
    return { error: `jazz: JAZZ_BINARY is set to ${override}, which does not exist.` };
  }
  // Only now: the process report that tells glibc from musl takes a few milliseconds.
  key ??= platformKey(platform);
  const pkg = PLATFORMS[key];
  if (!pkg) {
    return {
      error:
        `jazz: there is no prebuilt jazz binary for this platform (${key}).\n` +
        `Prebuilt binaries exist for: ${Object.keys(PLATFORMS).join(", ")}.\n` +
        "Build one from source (`cargo install --path cli` in the jazz repository) and point\n" +
        "JAZZ_BINARY=<path to the binary> at it.",
    };
  }
  try {
    return { path: resolve(`${pkg}/bin/${binaryName(platform)}`) };
  } catch {
    return {
      error:
        `jazz: the binary for this platform (${key}) is missing: the optional dependency\n` +
        `${pkg} is not installed.\n` +
        "Fix: reinstall without `--no-optional` / `--omit=optional` (for example\n" +
        "`rm -rf node_modules && npm install`), or set JAZZ_BINARY=<path to a jazz binary>.",
    };
  }
}

/** Runs the binary; the process exits as it does (same code, or the same signal). */
function run(binary, args) {
  const child = spawn(binary, args, { stdio: "inherit", windowsHide: true });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"].filter((s) => process.platform !== "win32" || s !== "SIGQUIT");
  for (const s of signals) process.on(s, forward);
  child.on("error", (err) => {
    process.stderr.write(`jazz: could not run ${binary}: ${err.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    for (const s of signals) process.removeListener(s, forward);
    if (signal) {
      // Die of the same signal, so a shell sees what the binary saw.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (require.main === module) {
  const found = findBinary();
  if (found.error) {
    process.stderr.write(`${found.error}\n`);
    process.exit(1);
  }
  run(found.path, process.argv.slice(2));
}

module.exports = { PLATFORMS, detectLibc, platformKey, binaryName, findBinary };
