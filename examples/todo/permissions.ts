import { definePermissions } from "jazz-tools/permissions";
import { app } from "./schema";

// Everyone owns what they create; todos follow the project they belong to.
export default definePermissions(app, ({ policy, allowedTo, session }) => {
  policy.projects.allowRead.where({ $createdBy: session.user_id });
  policy.projects.allowInsert.always();
  policy.projects.allowUpdate.where({ $createdBy: session.user_id });
  policy.projects.allowDelete.where({ $createdBy: session.user_id });

  policy.todos.allowRead.where(allowedTo.read("projectId"));
  policy.todos.allowInsert.where(allowedTo.update("projectId"));
  policy.todos.allowUpdate.where(allowedTo.update("projectId"));
  policy.todos.allowDelete.where(allowedTo.update("projectId"));
});
