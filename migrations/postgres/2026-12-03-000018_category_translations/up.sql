-- A category's name and description per language, as JSON:
-- {"fr": {"name": "Clients", "description": "…"}}. Where a language has
-- none, readers see the category's own name and description.
ALTER TABLE categories ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
UPDATE categories SET translations = '{"fr":{"name":"Clients","description":"Ce que disent les clients : plaintes, compliments, projets, qui décide."}}'
  WHERE slug = 'customers' AND name = 'Customers';
UPDATE categories SET translations = '{"fr":{"name":"Concurrents","description":"Ce que font les concurrents : prix, offres, produits, équipes."}}'
  WHERE slug = 'competitors' AND name = 'Competitors';
UPDATE categories SET translations = '{"fr":{"name":"Rumeurs du marché","description":"Ce qui se dit sur le marché, confirmé ou non."}}'
  WHERE slug = 'market-rumors' AND name = 'Market rumors';
UPDATE categories SET translations = '{"fr":{"name":"Retours produit","description":"Ce que prospects et clients demandent à nos produits."}}'
  WHERE slug = 'product-feedback' AND name = 'Product feedback';
UPDATE categories SET translations = '{"fr":{"name":"Réservé au marketing","description":"Notes internes de l''équipe marketing."}}'
  WHERE slug = 'marketing-only' AND name = 'Marketing only';
UPDATE categories SET translations = '{"fr":{"name":"Discussions des idées","description":"Commentaires sur les idées de la boîte à idées."}}'
  WHERE slug = 'ideas' AND name = 'Idea discussions';
