DROP TABLE client_ids;
