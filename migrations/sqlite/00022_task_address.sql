-- A task's meeting point (issue 12: "a task has no address or coordinator contact for the
-- volunteer who signed up"). Free text such as "东湖社区服务中心一楼大厅"; the application
-- shows it only to the task's managers and the volunteers holding a place on it, like the
-- coordinator's contact, and never in lists or to the public.

-- +goose Up
ALTER TABLE tasks ADD COLUMN address TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 200);

-- +goose Down
ALTER TABLE tasks DROP COLUMN address;
