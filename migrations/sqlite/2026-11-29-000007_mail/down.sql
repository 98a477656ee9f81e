DROP TABLE digest_claims;
DROP TABLE outbox;
