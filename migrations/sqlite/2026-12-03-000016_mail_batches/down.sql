DROP TABLE mail_batches;
