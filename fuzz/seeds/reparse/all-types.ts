ximport { schema as s } from "jazz-tools";

// Every column type and every kind of default the DSL accepts.
const schema = {
  samples: s
    .table({
      label: s.string().default("untitled"),
      count: s.int().default(-3),
      ratio: s.float().default(1.5),
      enabled: s.boolean().default(true),
      startsAt: s.timestamp().default(new Date("2026-01-01")),
      payload: s.bytes().default(new Uint8Array([0, 1, 255])),
      meta: s.json().default({ source: "import", tags: ["a", "b"] }),
      shape: s.json({ type: "object", properties: { b: { type: "string" }, a: { type: "number" } }, required: ["b"] }),
      status: s.enum("draft", "published", "archived").default("draft"),
      tags: s.array(s.string()).default([]),
      scores: s.array(s.int()),
      ownerId: s.ref("owners").optional(),
      memberIds: s.array(s.ref("owners")),
      note: s.string().optional().default(null),
      views: s.int().merge("counter"),
    })
    .indexOnly(["status", "label"]),
  owners: {
    name: s.string(),
  },
};

export const app = s.defineApp(schema);
