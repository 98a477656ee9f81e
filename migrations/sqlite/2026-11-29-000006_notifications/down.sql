DROP TABLE worker_cursors;
DROP TABLE notifications;
