//! Search on both engines: a golden corpus in French and English with the
//! answers it must give, every operator and filter, what a rep may never
//! see nor count, hostile queries, freshness after writes, and a rebuilt
//! index answering like the incremental one.

use std::collections::BTreeSet;

use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    golden_corpus_answers_alike_on_both_engines,
    readers_never_see_nor_count_what_they_may_not_read,
    facets_count_what_each_narrowing_finds,
    hostile_queries_answer_200_or_422,
    the_next_search_sees_every_write,
    search_reindex_from_the_command_line,
    concurrent_writers_index_the_same_thing_without_colliding,
);

/// Two writers re-indexing one account at once (a CRM retrying) both
/// succeed (schemathesis found this as a 500 on PostgreSQL).
async fn concurrent_writers_index_the_same_thing_without_colliding(db: Db) {
    let app = spawn_app(db).await;
    let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
    let calls = (0..8).map(|i| {
        let crm = crm.clone_api();
        async move {
            crm.put(
                "/accounts/RACE-1",
                json!({"name": format!("Race Account {i}")}),
            )
            .await
            .0
        }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 201),
        "{statuses:?}"
    );
    assert_eq!(titles(&search(&crm, "race account").await).len(), 1);
}

async fn search_reindex_from_the_command_line(db: Db) {
    let app = spawn_app(db).await;
    let (api, _) = app.api_user("rep@example.com", Role::Rep);
    api.thread("customers", "Capybara at the depot", "Seen twice")
        .await;
    api.reply(1, None, "And a capybara again").await;
    let before = search(&api, "capybara").await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .args(["search", "reindex"])
        .env("GRAPEVINE_DATA_DIR", app.db.dir.path())
        .env("GRAPEVINE_DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Two posts and the starting categories' nothing else: 2 items.
    assert_eq!(stdout.trim(), "2 items indexed", "{stdout}");
    assert_eq!(search(&api, "capybara").await["items"], before["items"]);
    assert_eq!(before["items"].as_array().unwrap().len(), 2);
}

/// (category, kind, title, body, tags, accounts, competitors)
type ThreadSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const THREADS: &[ThreadSpec] = &[
    (
        "competitors",
        "pricing",
        "RivalCo cut prices at Acme",
        "Heard at Acme: RivalCo dropped its list price by 12% for hospitals.",
        &["pricing"],
        &["ACME-1"],
        &["rivalco"],
    ),
    (
        "competitors",
        "pricing",
        "Baisse de prix chez RivalCo",
        "RivalCo propose une réduction de 15 % sur la gamme Vital.",
        &["prix"],
        &[],
        &["rivalco"],
    ),
    (
        "competitors",
        "competitor_move",
        "Globex opens a Lyon office",
        "Globex hired three reps in Lyon last month.",
        &[],
        &[],
        &["globex"],
    ),
    (
        "competitors",
        "competitor_move",
        "Nouvelle brochure Globex",
        "Brochure ramassée au salon : les remises Globex atteignent 20 %.",
        &["salon"],
        &[],
        &["globex"],
    ),
    (
        "customers",
        "customer_request",
        "Acme wants faster delivery",
        "The buyer at Acme asked for delivery within 48 hours.",
        &["delivery"],
        &["ACME-1"],
        &[],
    ),
    (
        "customers",
        "customer_request",
        "Initech veut une livraison le samedi",
        "Le client Initech demande des livraisons le samedi matin.",
        &["livraison"],
        &["INI-2"],
        &[],
    ),
    (
        "customers",
        "anecdote",
        "Hôpital Saint-Luc est ravi",
        "Les infirmières de l'hôpital adorent le nouveau chariot.",
        &[],
        &["SLU-3"],
        &[],
    ),
    (
        "customers",
        "anecdote",
        "Contoso complains about invoices",
        "Contoso's accountant found three wrong invoices this quarter.",
        &["billing"],
        &["CON-4"],
        &[],
    ),
    (
        "customers",
        "anecdote",
        "L'offre de fin d'année plaît",
        "L'offre de Noël a séduit trois pharmacies du quartier.",
        &["noel"],
        &[],
        &[],
    ),
    (
        "market-rumors",
        "rumor",
        "Rumour: Umbrella to buy RivalCo",
        "A distributor says Umbrella is in talks to acquire RivalCo.",
        &[],
        &[],
        &["rivalco"],
    ),
    (
        "market-rumors",
        "rumor",
        "Rumeur de fusion dans le secteur",
        "On dit que deux fabricants vont fusionner avant l'été.",
        &[],
        &[],
        &[],
    ),
    (
        "market-rumors",
        "rumor",
        "Tender for regional clinics",
        "The region will publish a tender for forty clinics in spring.",
        &["tender"],
        &[],
        &[],
    ),
    (
        "product-feedback",
        "customer_request",
        "Feature request: dark mode",
        "Three prospects asked for a dark mode in the ordering app.",
        &["app"],
        &[],
        &[],
    ),
    (
        "product-feedback",
        "customer_request",
        "Demande : export CSV des commandes",
        "Les acheteurs veulent exporter leurs commandes en CSV.",
        &["export"],
        &[],
        &[],
    ),
    (
        "product-feedback",
        "other",
        "Battery life complaints",
        "The handheld scanner battery lasts only two hours.",
        &["hardware"],
        &[],
        &[],
    ),
    (
        "product-feedback",
        "other",
        "Autonomie de la batterie insuffisante",
        "La batterie du scanner ne tient pas une journée.",
        &["materiel"],
        &[],
        &[],
    ),
    (
        "customers",
        "pricing",
        "Volume discount for Acme",
        "Acme expects a volume discount above 500 units.",
        &["pricing"],
        &["ACME-1"],
        &[],
    ),
    (
        "customers",
        "pricing",
        "Remise de volume pour Initech",
        "Initech attend une remise au-delà de 500 unités.",
        &["prix"],
        &["INI-2"],
        &[],
    ),
    (
        "competitors",
        "pricing",
        "Globex price list 2027",
        "Globex's new price list raises prices by 4% in January.",
        &["pricing"],
        &[],
        &["globex"],
    ),
    (
        "competitors",
        "other",
        "Stand Umbrella au salon de Paris",
        "Umbrella avait le plus grand stand du salon.",
        &["salon"],
        &[],
        &["umbrella"],
    ),
    (
        "customers",
        "anecdote",
        "Night shift nurses love the cart",
        "Night-shift nurses at Saint-Luc say the cart is quieter.",
        &[],
        &["SLU-3"],
        &[],
    ),
    (
        "customers",
        "other",
        "Meeting notes: Contoso quarterly review",
        "Quarterly review went well; renewal expected in March.",
        &["renewal"],
        &["CON-4"],
        &[],
    ),
    (
        "market-rumors",
        "rumor",
        "Price war expected in spring",
        "Several reps expect a price war between RivalCo and Globex.",
        &["pricing"],
        &[],
        &["rivalco", "globex"],
    ),
    (
        "product-feedback",
        "customer_request",
        "Label printer integration",
        "Pharmacies ask whether labels can print from the app.",
        &["app"],
        &[],
        &[],
    ),
    (
        "customers",
        "anecdote",
        "Déjeuner avec la directrice achats",
        "La directrice achats d'Initech veut un rendez-vous en janvier.",
        &[],
        &["INI-2"],
        &[],
    ),
    (
        "competitors",
        "competitor_move",
        "RivalCo launches a subscription",
        "RivalCo now sells the Vital range as a monthly subscription.",
        &["subscription"],
        &[],
        &["rivalco"],
    ),
    (
        "market-rumors",
        "rumor",
        "Pénurie de composants annoncée",
        "Un fournisseur annonce une pénurie de composants en mars.",
        &["supply"],
        &[],
        &[],
    ),
    (
        "product-feedback",
        "other",
        "Sterilisation instructions unclear",
        "Nurses find the sterilisation steps hard to follow.",
        &["manual"],
        &[],
        &[],
    ),
    (
        "customers",
        "customer_request",
        "Hyphenated e-commerce portal request",
        "Acme's e-commerce team wants a self-service portal.",
        &["portal"],
        &["ACME-1"],
        &[],
    ),
    (
        "customers",
        "other",
        "Warehouse inventory audit",
        "Inventory counts differ by four pallets.",
        &["logistics"],
        &[],
        &[],
    ),
    (
        "market-rumors",
        "other",
        "Trade fair in Milan",
        "Many distributors will exhibit in Milan this autumn.",
        &[],
        &[],
        &[],
    ),
    (
        "customers",
        "anecdote",
        "Nouveau directeur régional",
        "Un nouveau directeur régional arrive en avril.",
        &[],
        &[],
        &[],
    ),
    (
        "customers",
        "other",
        "Weekly call recap",
        "Short weekly call: nothing urgent this week.",
        &[],
        &[],
        &[],
    ),
    (
        "customers",
        "other",
        "Calendrier des visites du printemps",
        "Les visites reprennent en mai dans le sud.",
        &["visites"],
        &[],
        &[],
    ),
    (
        "marketing-only",
        "other",
        "Internal: Q1 campaign budget",
        "Budget confidentiel pour la campagne du premier trimestre.",
        &["budget"],
        &[],
        &[],
    ),
    (
        "marketing-only",
        "other",
        "Internal: RivalCo win-back plan",
        "Confidential win-back plan against RivalCo at Acme.",
        &["pricing"],
        &["ACME-1"],
        &["rivalco"],
    ),
];

/// (title, body)
const IDEAS: &[(&str, &str)] = &[
    (
        "Offer a dark mode",
        "Prospects keep asking for a dark theme in the ordering app.",
    ),
    (
        "Livraison express pour les hôpitaux",
        "Proposer une livraison en 24 heures aux hôpitaux.",
    ),
    (
        "Loyalty discount for pharmacies",
        "A yearly loyalty discount would keep pharmacies from RivalCo.",
    ),
    (
        "Catalogue papier bilingue",
        "Un catalogue imprimé en français et en anglais pour les salons.",
    ),
    (
        "Battery swap programme",
        "Swap scanner batteries on site instead of repairing scanners.",
    ),
    (
        "Formation à la stérilisation",
        "Une vidéo courte pour expliquer la stérilisation du chariot.",
    ),
];

/// (external_id, name, domain)
const ACCOUNTS: &[(&str, &str, &str)] = &[
    ("ACME-1", "Acme Hospitals", "acme.example"),
    ("INI-2", "Initech Santé", "initech.example"),
    ("SLU-3", "Hôpital Saint-Luc", "saint-luc.example"),
    ("CON-4", "Contoso Clinics", "contoso.example"),
];

const COMPETITORS: &[(&str, &str)] = &[
    ("rivalco", "RivalCo"),
    ("globex", "Globex Corporation"),
    ("umbrella", "Umbrella Medical"),
];

/// Replies: (thread title, body)
const REPLIES: &[(&str, &str)] = &[
    (
        "RivalCo cut prices at Acme",
        "Confirmed by the Acme buyer: the new price holds until June.",
    ),
    (
        "RivalCo cut prices at Acme",
        "Same thing at Contoso, they got a quote with 10% off.",
    ),
    (
        "Baisse de prix chez RivalCo",
        "Confirmé : la remise s'applique aussi aux consommables.",
    ),
    (
        "Globex opens a Lyon office",
        "One of them used to work for us in Grenoble.",
    ),
    (
        "Acme wants faster delivery",
        "Logistics says 48 hours is possible from the Paris depot.",
    ),
    (
        "Initech veut une livraison le samedi",
        "Le transporteur refuse les samedis pour l'instant.",
    ),
    (
        "Feature request: dark mode",
        "Also requested by two hospital IT teams.",
    ),
    (
        "Battery life complaints",
        "A firmware update should improve the battery by 30%.",
    ),
    (
        "Price war expected in spring",
        "Umbrella might join the price war too.",
    ),
    (
        "Tender for regional clinics",
        "The tender documents mention sterilisation training.",
    ),
    (
        "Night shift nurses love the cart",
        "They asked for a second cart per floor.",
    ),
    (
        "Volume discount for Acme",
        "Finance agrees to 7% above 500 units.",
    ),
];

struct Corpus {
    app: TestApp,
    rep: Api,
    marketer: Api,
    threads: Vec<(String, i64)>,
}

async fn corpus(db: Db) -> Corpus {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (marketer, _) = app.api_user("mkt@example.com", Role::Marketer);
    for (key, name, domain) in ACCOUNTS {
        let (s, b) = marketer
            .put(
                &format!("/accounts/{key}"),
                json!({"name": name, "domain": domain}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }
    for (slug, name) in COMPETITORS {
        let (s, b) = marketer
            .put(&format!("/competitors/{slug}"), json!({"name": name}))
            .await;
        assert_eq!(s, 201, "{b}");
    }
    let mut threads = Vec::new();
    for (category, kind, title, body, tags, accounts, competitors) in THREADS {
        let author = if *category == "marketing-only" {
            &marketer
        } else {
            &rep
        };
        let (s, t) = author
            .post(
                "/threads",
                json!({"category": category, "kind": kind, "title": title, "body": body,
                       "tags": tags, "accounts": accounts, "competitors": competitors}),
            )
            .await;
        assert_eq!(s, 201, "{title}: {t}");
        threads.push((title.to_string(), t["id"].as_i64().unwrap()));
    }
    for (title, body) in REPLIES {
        let id = threads.iter().find(|t| t.0 == *title).unwrap().1;
        marketer.reply(id, None, body).await;
    }
    for (title, body) in IDEAS {
        let (s, b) = rep
            .post("/ideas", json!({"title": title, "body": body}))
            .await;
        assert_eq!(s, 201, "{b}");
    }
    Corpus {
        app,
        rep,
        marketer,
        threads,
    }
}

async fn search(api: &Api, q: &str) -> Value {
    let path = format!(
        "/search?q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    );
    let (status, body) = api.get(&path).await;
    assert_eq!(status, 200, "{q}: {body}");
    body
}

fn titles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

fn set(v: &Value) -> BTreeSet<String> {
    titles(v).into_iter().collect()
}

fn of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

async fn golden_corpus_answers_alike_on_both_engines(db: Db) {
    let c = corpus(db).await;
    let m = &c.marketer;
    // (query, exactly these titles, in any order)
    let exact: &[(&str, &[&str])] = &[
        // case and accents
        (
            "prix",
            &[
                "Baisse de prix chez RivalCo",
                "Remise de volume pour Initech",
            ],
        ),
        (
            "PRIX",
            &[
                "Baisse de prix chez RivalCo",
                "Remise de volume pour Initech",
            ],
        ),
        ("reduction", &["Baisse de prix chez RivalCo"]),
        ("réduction", &["Baisse de prix chez RivalCo"]),
        // (hôpitaux is a plural; the night-shift thread is linked to the
        // account Hôpital Saint-Luc)
        (
            "hopital",
            &[
                "Hôpital Saint-Luc est ravi",
                "Hôpital Saint-Luc",
                "Livraison express pour les hôpitaux",
                "Night shift nurses love the cart",
            ],
        ),
        // plurals and stems, French and English
        (
            "remises",
            &[
                "Nouvelle brochure Globex",
                "Remise de volume pour Initech",
                "Baisse de prix chez RivalCo",
            ],
        ),
        (
            "batteries",
            &[
                "Battery life complaints",
                "Battery swap programme",
                "Autonomie de la batterie insuffisante",
            ],
        ),
        (
            "livraisons",
            &[
                "Initech veut une livraison le samedi",
                "Livraison express pour les hôpitaux",
            ],
        ),
        ("invoice", &["Contoso complains about invoices"]),
        // all words must match
        (
            "rivalco acme",
            &[
                "RivalCo cut prices at Acme",
                "Internal: RivalCo win-back plan",
            ],
        ),
        (
            "dark mode",
            &["Feature request: dark mode", "Offer a dark mode"],
        ),
        // phrases
        ("\"price war\"", &["Price war expected in spring"]),
        ("\"volume discount\"", &["Volume discount for Acme"]),
        // exclusion
        // (only the firmware reply says battery without scanner)
        ("batterie -scanner", &["Battery life complaints"]),
        (
            "rivalco -acme -umbrella",
            &[
                "Baisse de prix chez RivalCo",
                "RivalCo launches a subscription",
                "Price war expected in spring",
                "Loyalty discount for pharmacies",
                "RivalCo",
            ],
        ),
        // prefix
        (
            "steril*",
            &[
                "Sterilisation instructions unclear",
                "Formation à la stérilisation",
                "Tender for regional clinics",
            ],
        ),
        // account codes, hyphens, apostrophes
        (
            "ACME-1",
            &[
                "Acme Hospitals",
                "RivalCo cut prices at Acme",
                "Acme wants faster delivery",
                "Volume discount for Acme",
                "Hyphenated e-commerce portal request",
                "Internal: RivalCo win-back plan",
            ],
        ),
        ("e-commerce", &["Hyphenated e-commerce portal request"]),
        ("l'offre", &["L'offre de fin d'année plaît"]),
        // filters
        (
            "rivalco category:competitors",
            &[
                "RivalCo cut prices at Acme",
                "Baisse de prix chez RivalCo",
                "RivalCo launches a subscription",
            ],
        ),
        // (the tag itself is a word: every thread tagged pricing matches)
        (
            "prices tag:pricing",
            &[
                "RivalCo cut prices at Acme",
                "Globex price list 2027",
                "Price war expected in spring",
                "Volume discount for Acme",
                "Internal: RivalCo win-back plan",
            ],
        ),
        (
            "rivalco kind:rumor",
            &[
                "Rumour: Umbrella to buy RivalCo",
                "Price war expected in spring",
            ],
        ),
        (
            "salon competitor:umbrella",
            &["Stand Umbrella au salon de Paris"],
        ),
        (
            "livraison account:INI-2",
            &["Initech veut une livraison le samedi"],
        ),
        ("cart account:SLU-3", &["Night shift nurses love the cart"]),
    ];
    let mut wrong = Vec::new();
    for (q, want) in exact {
        let got = set(&search(m, q).await);
        if got != of(want) {
            wrong.push(format!("{q}: got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Relevance: a title match ranks above a body-only match.
    let got = search(m, "subscription").await;
    assert_eq!(titles(&got)[0], "RivalCo launches a subscription");
    let got = search(m, "globex").await;
    assert_eq!(
        titles(&got).first().map(String::as_str),
        Some("Globex Corporation"),
        "the competitor itself first: {got}"
    );
    // Types, sorting, dates, replies with their anchors.
    let got = search(m, "rivalco type:x").await;
    assert!(
        got["items"].as_array().unwrap().is_empty(),
        "an unknown word"
    );
    let (s, got) = m.get("/search?q=confirm%C3%A9&type=post").await;
    assert_eq!(s, 200);
    let hit = &got["items"][0];
    assert_eq!(hit["type"], "post");
    let thread = c
        .threads
        .iter()
        .find(|t| t.0 == "Baisse de prix chez RivalCo")
        .unwrap()
        .1;
    assert_eq!(hit["thread_id"], thread);
    assert!(hit["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("/t/{thread}#p")));
    assert!(
        hit["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<mark>Confirmé</mark>"),
        "{hit}"
    );
    let (_, newest) = m.get("/search?q=rivalco&sort=new").await;
    let dates: Vec<&str> = newest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["created_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let got = search(m, "rivalco before:2000-01-01").await;
    assert_eq!(titles(&got), Vec::<String>::new());
    let got = search(m, "rivalco after:2000-01-01 category:market-rumors").await;
    assert_eq!(
        set(&got),
        of(&[
            "Rumour: Umbrella to buy RivalCo",
            "Price war expected in spring"
        ])
    );
    // Pages: 20 a page, then the rest.
    let (_, first) = m.get("/search?q=the").await;
    if first["next_page"] == 2 {
        let (_, second) = m.get("/search?q=the&page=2").await;
        let a: BTreeSet<String> = set(&first);
        assert!(set(&second).iter().all(|t| !a.contains(t)), "pages overlap");
    }
    // The rebuilt index answers like the incremental one.
    let before: Vec<Value> = {
        let mut v = Vec::new();
        for (q, _) in exact {
            v.push(search(m, q).await["items"].clone());
        }
        v
    };
    let total = c
        .app
        .with_conn(|conn| grapevine::search::index::rebuild(conn, &|_| {}).unwrap());
    assert!(total >= 60, "{total} items indexed");
    for ((q, _), was) in exact.iter().zip(before) {
        assert_eq!(search(m, q).await["items"], was, "after reindex: {q}");
    }
}

async fn readers_never_see_nor_count_what_they_may_not_read(db: Db) {
    let c = corpus(db).await;
    let (rep, m) = (&c.rep, &c.marketer);
    // Marketing-only threads: for marketers, never for reps.
    assert_eq!(
        set(&search(m, "confidentiel").await),
        of(&["Internal: Q1 campaign budget"])
    );
    assert!(titles(&search(rep, "confidentiel").await).is_empty());
    assert!(!set(&search(rep, "rivalco acme").await).contains("Internal: RivalCo win-back plan"));
    let (s, v) = rep.get("/search?q=budget%20category:marketing-only").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 0));
    // Hidden threads and posts, deleted posts.
    let hidden = c
        .threads
        .iter()
        .find(|t| t.0 == "Tender for regional clinics")
        .unwrap()
        .1;
    assert_eq!(
        m.post(
            &format!("/threads/{hidden}/moderation"),
            json!({"action": "hide"})
        )
        .await
        .0,
        200
    );
    assert!(titles(&search(rep, "tender").await).is_empty());
    assert_eq!(
        titles(&search(m, "tender").await).len(),
        2,
        "moderators still find it"
    );
    let cart = c
        .threads
        .iter()
        .find(|t| t.0 == "Night shift nurses love the cart")
        .unwrap()
        .1;
    let reply = c.rep.reply(cart, None, "A secret zeppelin remark").await;
    assert_eq!(titles(&search(rep, "zeppelin").await).len(), 1);
    assert_eq!(
        m.post(
            &format!("/posts/{reply}/moderation"),
            json!({"action": "hide"})
        )
        .await
        .0,
        204
    );
    assert!(titles(&search(rep, "zeppelin").await).is_empty());
    let gone = c.rep.reply(cart, None, "A quickly deleted xylophone").await;
    assert_eq!(c.rep.delete(&format!("/posts/{gone}")).await.0, 204);
    assert!(titles(&search(m, "xylophone").await).is_empty());
    // Nor counted: the page's facets count only what the reader sees.
    let (browser, _) = c.app.signed_in("page-rep@example.com", Role::Rep).await;
    let (status, html) = c.app.get_html(&browser, "/search?q=rivalco").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("win-back") && !html.contains("Marketing only"),
        "{html}"
    );
    let counts: i64 = texts(&html, ".facets ul:first-of-type .count")
        .iter()
        .map(|n| n.parse::<i64>().unwrap())
        .sum();
    let listed = texts(&html, "#search-results .search-hit").len() as i64;
    assert_eq!(counts, listed, "facets count exactly what is listed");
    let (_, html) = c.app.get_html(&browser, "/search?q=confidentiel").await;
    assert!(!html.contains("Q1 campaign"));
    // A narrowed idea box takes its ideas out of search at once.
    let (admin, _) = c.app.api_user("admin@example.com", Role::Admin);
    assert!(!titles(&search(rep, "loyalty").await).is_empty());
    assert_eq!(
        admin
            .patch(
                "/categories/ideas",
                json!({"readable_by": ["marketer", "admin"]})
            )
            .await
            .0,
        200
    );
    assert!(titles(&search(rep, "loyalty").await).is_empty());
}

/// Every facet on the page counts exactly what its narrowed search finds,
/// for each reader: a rep's counts leave out what only marketers read.
async fn facets_count_what_each_narrowing_finds(db: Db) {
    let c = corpus(db).await;
    let mut seen: Vec<(String, i64)> = Vec::new();
    for (email, role, api) in [
        ("facet-rep@example.com", Role::Rep, &c.rep),
        ("facet-mkt@example.com", Role::Marketer, &c.marketer),
    ] {
        let (browser, _) = c.app.signed_in(email, role).await;
        let (status, html) = c.app.get_html(&browser, "/search?q=acme").await;
        assert_eq!(status, 200);
        let doc = scraper::Html::parse_document(&html);
        let links = scraper::Selector::parse(".facets a").unwrap();
        let count = scraper::Selector::parse(".count").unwrap();
        let mut facets = 0;
        for a in doc.select(&links) {
            let Some(n) = a.select(&count).next() else {
                continue;
            };
            let n: i64 = n.text().collect::<String>().trim().parse().unwrap();
            let href = a.value().attr("href").unwrap().to_string();
            // The same narrowing through the API, every page of it.
            let mut found = 0;
            let mut page = 1;
            loop {
                let (s, v) = api.get(&format!("{href}&page={page}")).await;
                assert_eq!(s, 200, "{href}: {v}");
                found += v["items"].as_array().unwrap().len() as i64;
                match v["next_page"].as_i64() {
                    Some(p) => page = p,
                    None => break,
                }
            }
            assert_eq!(found, n, "{role:?}: facet {href} says {n}");
            facets += 1;
            let url = url::Url::parse(&format!("http://x{href}")).unwrap();
            let q = url.query_pairs().find(|(k, _)| k == "q").unwrap().1;
            seen.push((format!("{role:?} {q}"), n));
        }
        let mine: Vec<&String> = seen
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{role:?} ")))
            .map(|(k, _)| k)
            .collect();
        for narrowing in ["account:ACME-1", "competitor:rivalco", "kind:pricing"] {
            assert!(
                mine.iter().any(|k| k.ends_with(narrowing)),
                "{role:?}: no facet {narrowing} in {mine:?}"
            );
        }
        assert!(facets >= 6, "{role:?}: {facets} facets");
    }
    // The marketing-only win-back plan is linked to ACME-1 and RivalCo: a
    // marketer counts it, a rep does not.
    let n = |who: &str, what: &str| {
        seen.iter()
            .find(|(k, _)| k.starts_with(who) && k.ends_with(what))
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    for what in ["account:ACME-1", "competitor:rivalco"] {
        assert_eq!(n("Rep", what) + 1, n("Marketer", what), "{what}: {seen:?}");
    }
}

async fn hostile_queries_answer_200_or_422(db: Db) {
    let app = spawn_app(db).await;
    let (api, _) = app.api_user("rep@example.com", Role::Rep);
    api.thread("customers", "Something to find", "a body with words")
        .await;
    let long = "prix ".repeat(2000);
    let hostile: Vec<String> = [
        "\"",
        "\"\"",
        "\"unbalanced",
        "-",
        "--",
        "*",
        "**",
        ":",
        "::",
        "a:",
        ":a",
        "NOT",
        "AND OR",
        "a NOT",
        "NEAR(a b)",
        "a NEAR/3 b",
        "{a b}",
        "col:a",
        "title:x",
        "^a",
        "a + b",
        "(a",
        "a)",
        "a & b",
        "a | b",
        "!a",
        "a <-> b",
        "a:*",
        "'a'",
        "\\",
        "%",
        "_",
        "'; DROP TABLE posts; --",
        "1=1 OR",
        "😀",
        "😀 words",
        "a\u{0}b",
        "x\u{7}y",
        "after:2026-13-45 a",
        "before:nope a",
        "kind:bogus a",
        "category: a",
        "tag:",
        "tag:###",
        "account:%00",
        "type:thread",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([long, "é".repeat(600), "a ".repeat(40)])
    .collect();
    assert!(hostile.len() >= 30);
    for q in &hostile {
        let path = format!(
            "/search?q={}",
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let (status, body) = api.get(&path).await;
        assert!(status == 200 || status == 422, "{q:?} → {status} {body}");
        if status == 422 {
            assert!(body["error"]["code"].is_string(), "{q:?}: {body}");
        }
    }
    for path in [
        "/search",
        "/search?q=",
        "/search?q=%20%20",
        "/search?q=a&sort=best",
        "/search?q=a&type=nothing",
        "/search?q=a&page=0",
    ] {
        assert_eq!(api.get(path).await.0, 422, "{path}");
    }
    // The page answers too, never a server error.
    let (browser, _) = app.signed_in("page@example.com", Role::Rep).await;
    for q in ["%22", "-", "NEAR(a", "after%3Anope+x"] {
        let (status, html) = app.get_html(&browser, &format!("/search?q={q}")).await;
        assert!(status == 200 || status == 422, "{q}: {status}");
        assert!(html.contains("</html>"));
    }
}

async fn the_next_search_sees_every_write(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let thread = rep
        .thread("customers", "Quokka sighting", "A quokka at the depot")
        .await;
    assert_eq!(titles(&search(&rep, "quokka").await), ["Quokka sighting"]);
    let opening = rep.get(&format!("/threads/{thread}")).await.1["post"]["id"]
        .as_i64()
        .unwrap();
    // Edited: the old word is gone, the new one found.
    assert_eq!(
        rep.patch(
            &format!("/posts/{opening}"),
            json!({"body": "A wombat at the depot"})
        )
        .await
        .0,
        200
    );
    assert_eq!(titles(&search(&rep, "wombat").await), ["Quokka sighting"]);
    assert!(
        search(&rep, "depot quokka").await["items"][0]["snippet_html"]
            .as_str()
            .unwrap()
            .contains("wombat")
    );
    // Moved to marketing only: gone for the rep at once.
    assert_eq!(
        mkt.post(
            &format!("/threads/{thread}/moderation"),
            json!({"action": "move", "category": "marketing-only"})
        )
        .await
        .0,
        200
    );
    assert!(titles(&search(&rep, "wombat").await).is_empty());
    assert_eq!(titles(&search(&mkt, "wombat").await).len(), 1);
    // Back, then hidden, then shown again.
    mkt.post(
        &format!("/threads/{thread}/moderation"),
        json!({"action": "move", "category": "customers"}),
    )
    .await;
    assert_eq!(titles(&search(&rep, "wombat").await).len(), 1);
    // An account renamed is found by its new name, in its threads too.
    mkt.put("/accounts/ZZ-9", json!({"name": "Old Name Ltd"}))
        .await;
    let linked = rep
        .post(
            "/threads",
            json!({"category": "customers", "title": "Visit report", "body": "Nothing special", "accounts": ["ZZ-9"]}),
        )
        .await
        .1["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        mkt.put("/accounts/ZZ-9", json!({"name": "Brandnew Holdings"}))
            .await
            .0,
        200
    );
    assert_eq!(
        set(&search(&rep, "brandnew").await),
        of(&["Brandnew Holdings", "Visit report"])
    );
    assert!(titles(&search(&rep, "old name").await).is_empty());
    let _ = linked;
    // Merged ideas: the merged one is gone, the other carries its links.
    let (s, a) = rep
        .post(
            "/ideas",
            json!({"title": "Numbat loyalty cards", "body": "Cards for numbat fans", "accounts": ["ZZ-9"]}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let (_, b) = rep
        .post(
            "/ideas",
            json!({"title": "Regulars card scheme", "body": "A card for regulars"}),
        )
        .await;
    assert_eq!(
        titles(&search(&rep, "numbat").await),
        vec!["Numbat loyalty cards"]
    );
    assert!(titles(&search(&rep, "scheme account:ZZ-9").await).is_empty());
    let (s, v) = mkt
        .post(
            &format!("/ideas/{}/merge", a["id"]),
            json!({"into": b["id"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(titles(&search(&rep, "numbat").await).is_empty());
    assert_eq!(
        titles(&search(&rep, "scheme account:ZZ-9").await),
        vec!["Regulars card scheme"]
    );
    // Deleted: gone.
    let reply = rep.reply(thread, None, "An ocelot too").await;
    assert_eq!(titles(&search(&rep, "ocelot").await).len(), 1);
    rep.delete(&format!("/posts/{reply}")).await;
    assert!(titles(&search(&rep, "ocelot").await).is_empty());
}
