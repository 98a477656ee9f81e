DROP TABLE blobs;
DROP TABLE uploads;
