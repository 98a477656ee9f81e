DROP TABLE idea_tags;
DROP TABLE idea_competitors;
DROP TABLE idea_accounts;
DROP TABLE idea_status_changes;
DROP TABLE idea_votes;
DROP TABLE ideas;
DELETE FROM categories WHERE slug = 'ideas';
