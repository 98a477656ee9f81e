DROP TABLE digest_settings;
