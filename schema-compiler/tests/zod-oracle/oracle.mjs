// Test oracle for schema-compiler/tests/zod_oracle.rs: prints what real zod (the version pinned
// in package.json) gives for each case in cases.txt, one compact JSON line per case.
//
// cases.txt holds one zod expression per line; blank lines and lines starting with `//` are
// skipped (the Rust side applies the same rule). The text is our own test data, so it is
// evaluated directly, with `z` in scope.
//
// zod 4.3 names the target "draft-07" (the old spelling "draft-7" is normalized to it); that
// target is what adds `"$schema":"http://json-schema.org/draft-07/schema#"` first.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const here = dirname(fileURLToPath(import.meta.url));
const casesFile = process.argv[2] ?? join(here, "cases.txt");
const cases = readFileSync(casesFile, "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("//"));

for (const text of cases) {
  try {
    const schema = new Function("z", `return (${text});`)(z);
    console.log(JSON.stringify(z.toJSONSchema(schema, { target: "draft-07" })));
  } catch (err) {
    console.log(`ERROR ${String(err?.message ?? err).split("\n")[0]}`);
  }
}
