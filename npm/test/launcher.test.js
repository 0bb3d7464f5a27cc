// Unit tests of the npm launcher's platform detection and binary lookup, and of the version
// check. Run with `node --test npm/test/` (npm/test.sh does).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { PLATFORMS, detectLibc, platformKey, binaryName, findBinary } = require("../cli/bin/jazz.js");

test("glibc is detected from the process report, musl from its absence", () => {
  assert.equal(detectLibc("linux", { header: { glibcVersionRuntime: "2.36" } }), "gnu");
  assert.equal(detectLibc("linux", { header: {} }), "musl");
  assert.equal(detectLibc("darwin", { header: {} }), null);
  assert.equal(detectLibc("win32", undefined), null);
});

test("platform keys name os, cpu and (on Linux) libc", () => {
  assert.equal(platformKey("linux", "x64", "gnu"), "linux-x64-gnu");
  assert.equal(platformKey("linux", "x64", "musl"), "linux-x64-musl");
  assert.equal(platformKey("darwin", "arm64", null), "darwin-arm64");
  assert.equal(platformKey("win32", "x64", null), "win32-x64");
  assert.equal(binaryName("win32"), "jazz.exe");
  assert.equal(binaryName("linux"), "jazz");
  assert.equal(PLATFORMS["linux-x64-musl"], "@jazz-native/cli-linux-x64-musl");
});

test("the platform package's binary is resolved by package name", () => {
  const asked = [];
  const resolve = (id) => {
    asked.push(id);
    return `/nm/${id}`;
  };
  assert.deepEqual(findBinary({ env: {}, key: "win32-x64", platform: "win32", resolve }), {
    path: "/nm/@jazz-native/cli-win32-x64/bin/jazz.exe",
  });
  assert.deepEqual(asked, ["@jazz-native/cli-win32-x64/bin/jazz.exe"]);
});

test("JAZZ_BINARY wins over the platform package, and must exist", () => {
  const resolve = () => assert.fail("the platform package must not be looked up");
  assert.deepEqual(findBinary({ env: { JAZZ_BINARY: __filename }, key: "linux-x64-gnu", resolve }), {
    path: __filename,
  });
  const missing = findBinary({ env: { JAZZ_BINARY: "/no/such/jazz" }, key: "linux-x64-gnu", resolve });
  assert.match(missing.error, /JAZZ_BINARY is set to \/no\/such\/jazz, which does not exist/);
});

test("a missing platform package names the platform, the package and the fix", () => {
  const resolve = () => {
    throw Object.assign(new Error("not found"), { code: "MODULE_NOT_FOUND" });
  };
  const { error } = findBinary({ env: {}, key: "linux-x64-musl", platform: "linux", resolve });
  assert.match(error, /this platform \(linux-x64-musl\)/);
  assert.match(error, /@jazz-native\/cli-linux-x64-musl is not installed/);
  assert.match(error, /--omit=optional/);
  assert.match(error, /JAZZ_BINARY=/);
});

test("a platform without a package is named, with the build-from-source fix", () => {
  const { error } = findBinary({ env: {}, key: "freebsd-x64", resolve: () => "unused" });
  assert.match(error, /no prebuilt jazz binary for this platform \(freebsd-x64\)/);
  assert.match(error, /JAZZ_BINARY=/);
});

test("the launcher forwards the exit code and arguments of the binary", { skip: process.platform === "win32" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jazz-launcher-"));
  try {
    const fake = path.join(dir, "jazz");
    fs.writeFileSync(fake, '#!/bin/sh\necho "args:$*"\nexit 7\n', { mode: 0o755 });
    const run = spawnSync(process.execPath, [path.join(__dirname, "../cli/bin/jazz.js"), "validate", "--x"], {
      env: { ...process.env, JAZZ_BINARY: fake },
      encoding: "utf8",
    });
    assert.equal(run.status, 7);
    assert.equal(run.stdout, "args:validate --x\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the launcher dies of the signal that killed the binary", { skip: process.platform === "win32" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jazz-launcher-"));
  try {
    const fake = path.join(dir, "jazz");
    fs.writeFileSync(fake, "#!/bin/sh\nkill -TERM $$\n", { mode: 0o755 });
    const run = spawnSync(process.execPath, [path.join(__dirname, "../cli/bin/jazz.js")], {
      env: { ...process.env, JAZZ_BINARY: fake },
    });
    assert.equal(run.signal, "SIGTERM");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the version check fails when a package's version differs from the crate's", () => {
  const repo = path.join(__dirname, "../..");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jazz-versions-"));
  try {
    fs.copyFileSync(path.join(repo, "Cargo.toml"), path.join(dir, "Cargo.toml"));
    fs.cpSync(path.join(repo, "npm/cli/package.json"), path.join(dir, "npm/cli/package.json"));
    fs.cpSync(path.join(repo, "npm/platforms"), path.join(dir, "npm/platforms"), { recursive: true });
    fs.cpSync(path.join(repo, "editors/vscode/package.json"), path.join(dir, "editors/vscode/package.json"));
    const check = path.join(repo, "npm/check-versions.js");
    execFileSync(process.execPath, [check, dir], { stdio: "pipe" });

    const file = path.join(dir, "npm/platforms/darwin-arm64/package.json");
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...pkg, version: "9.9.9" }));
    const run = spawnSync(process.execPath, [check, dir], { encoding: "utf8" });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /npm\/platforms\/darwin-arm64 version: "9\.9\.9"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
