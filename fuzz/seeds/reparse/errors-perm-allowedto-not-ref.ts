Dximport { schema as s } from "jazz-tools";

// A project has tasks; tasks can nest and have comments.
const schema = {
  projects: s.table({
    name: s.string(),
    archived: s.boolean().default(false),
  }),
  tasks: s.table({
    title: s.string(),
    done: s.boolean(),
    description: s.string().optional(),
    priority: s.int().default(0),
    projectId: s.ref("projects"),
    parentId: s.ref("tasks").optional(),
    dueAt: s.timestamp().optional(),
  }),
  comments: s.table({
    body: s.string(),
    taskId: s.ref("tasks"),
  }),
};

type AppSchema = s.Schema<typeof schema>;
export const app: s.App<AppSchema> = s.defineApp(schema);
