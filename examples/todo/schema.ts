import { schema as s } from "jazz-tools";

// A small todo app: projects own todos; todos can have a parent todo (sub-tasks).
const schema = {
  projects: s.table({
    name: s.string(),
    color: s.enum("gray", "red", "green", "blue").default("gray"),
    archived: s.boolean().default(false),
  }),
  todos: s
    .table({
      title: s.string(),
      notes: s.string().optional(),
      done: s.boolean().default(false),
      priority: s.enum("low", "normal", "high").default("normal"),
      dueAt: s.timestamp().optional(),
      tags: s.array(s.string()).default([]),
      projectId: s.ref("projects"),
      parentId: s.ref("todos").optional(),
    })
    .indexOnly(["projectId", "done"]),
};

type AppSchema = s.Schema<typeof schema>;
export const app: s.App<AppSchema> = s.defineApp(schema);
export type Project = s.RowOf<typeof app.projects>;
export type Todo = s.RowOf<typeof app.todos>;
