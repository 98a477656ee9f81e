-- Report forms ("grids"): marketing's questions per kind of field report.
-- `definition` is JSON {kind, questions: [{key, label, type, options?,
-- required}], translations: {LANG: {title, questions: {KEY: {label,
-- options: {OPTION: label}}}}}}.
CREATE TABLE report_forms (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    -- The slug of the category its reports go to by default.
    category TEXT NOT NULL,
    definition TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 100,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A filed report: the thread it became and its answers as filed, each with
-- the question key, label and type it answered (JSON array), so editing a
-- form never changes what was reported.
CREATE TABLE reports (
    thread_id BIGINT PRIMARY KEY REFERENCES threads(id),
    form_key TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    answers TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_by_form ON reports (form_key, created_at);

INSERT INTO report_forms (key, title, category, definition, position, created_at, updated_at) VALUES
('competitor-price', 'Competitor price', 'competitors', '{"kind":"pricing","questions":[
 {"key":"competitor","label":"Competitor","type":"competitor","required":true},
 {"key":"account","label":"Account","type":"account","required":false},
 {"key":"price","label":"Price seen (€)","type":"number","required":true},
 {"key":"change","label":"What changed","type":"choice","options":["Price cut","Price rise","New offer","Same as before"],"required":false},
 {"key":"product","label":"Product","type":"text","required":false},
 {"key":"in_writing","label":"Seen in writing (quote, brochure)","type":"check","required":false}],
 "translations":{"fr":{"title":"Prix concurrent","questions":{
 "competitor":{"label":"Concurrent"},
 "account":{"label":"Compte"},
 "price":{"label":"Prix constaté (€)"},
 "change":{"label":"Ce qui a changé","options":{"Price cut":"Baisse de prix","Price rise":"Hausse de prix","New offer":"Nouvelle offre","Same as before":"Inchangé"}},
 "product":{"label":"Produit"},
 "in_writing":{"label":"Vu par écrit (devis, brochure)"}}}}}', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('customer-request', 'Customer request', 'product-feedback', '{"kind":"customer_request","questions":[
 {"key":"account","label":"Account","type":"account","required":true},
 {"key":"topics","label":"About","type":"choices","options":["Product","Price","Delivery","Service"],"required":true},
 {"key":"urgency","label":"Urgency","type":"choice","options":["Low","Medium","High"],"required":false},
 {"key":"deal_at_risk","label":"A deal depends on it","type":"check","required":false}],
 "translations":{"fr":{"title":"Demande client","questions":{
 "account":{"label":"Compte"},
 "topics":{"label":"Sujet","options":{"Product":"Produit","Price":"Prix","Delivery":"Livraison","Service":"Service"}},
 "urgency":{"label":"Urgence","options":{"Low":"Faible","Medium":"Moyenne","High":"Haute"}},
 "deal_at_risk":{"label":"Une affaire en dépend"}}}}}', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('lost-deal', 'Lost deal', 'customers', '{"kind":"competitor_move","questions":[
 {"key":"account","label":"Account","type":"account","required":true},
 {"key":"competitor","label":"Won by","type":"competitor","required":false},
 {"key":"reason","label":"Main reason","type":"choice","options":["Price","Product","Relationship","Timing"],"required":true},
 {"key":"amount","label":"Deal size (k€)","type":"number","required":false}],
 "translations":{"fr":{"title":"Affaire perdue","questions":{
 "account":{"label":"Compte"},
 "competitor":{"label":"Gagnée par"},
 "reason":{"label":"Raison principale","options":{"Price":"Prix","Product":"Produit","Relationship":"Relation","Timing":"Calendrier"}},
 "amount":{"label":"Montant (k€)"}}}}}', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
