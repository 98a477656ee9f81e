// Written by hand to match both migration folders; keep the two in step.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        locale -> Nullable<Text>,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        team -> Nullable<Text>,
        seen_lang -> Nullable<Text>,
        session_epoch -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        topics -> Text,
        readable_by -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(mail_batches -> users (user_id));

diesel::table! {
    categories (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
        readable_by -> Text,
        archived -> Bool,
        created_at -> Timestamp,
        translations -> Text,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        category_id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        kind -> Text,
        pinned -> Bool,
        locked -> Bool,
        hidden -> Bool,
        reply_count -> Integer,
        last_post_id -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        last_activity_at -> Timestamp,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        path -> Text,
        depth -> Integer,
        body -> Text,
        body_html -> Text,
        deleted -> Bool,
        hidden -> Bool,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        body -> Text,
        editor_id -> BigInt,
        edited_at -> Timestamp,
    }
}

diesel::table! {
    thread_tags (thread_id, tag) {
        thread_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    thread_reads (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        last_read_post_id -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> BigInt,
        action -> Text,
        target_kind -> Text,
        target_id -> BigInt,
        detail -> Text,
        created_at -> Timestamp,
        ip -> Nullable<Text>,
    }
}

diesel::joinable!(threads -> categories (category_id));
diesel::joinable!(threads -> users (author_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> users (editor_id));
diesel::joinable!(thread_tags -> threads (thread_id));
diesel::joinable!(audit_log -> users (actor_id));

diesel::table! {
    accounts (id) {
        id -> BigInt,
        external_id -> Text,
        name -> Text,
        domain -> Nullable<Text>,
        industry -> Nullable<Text>,
        owner_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    competitors (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    thread_accounts (thread_id, account_id) {
        thread_id -> BigInt,
        account_id -> BigInt,
    }
}

diesel::table! {
    thread_competitors (thread_id, competitor_id) {
        thread_id -> BigInt,
        competitor_id -> BigInt,
    }
}

diesel::table! {
    follows (user_id, kind, key) {
        user_id -> BigInt,
        kind -> Text,
        key -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(accounts -> users (owner_id));
diesel::joinable!(thread_accounts -> accounts (account_id));
diesel::joinable!(thread_accounts -> threads (thread_id));
diesel::joinable!(thread_competitors -> competitors (competitor_id));
diesel::joinable!(thread_competitors -> threads (thread_id));

diesel::table! {
    ideas (id) {
        id -> BigInt,
        title -> Text,
        body -> Text,
        body_html -> Text,
        author_id -> BigInt,
        anonymous -> Bool,
        status -> Text,
        thread_id -> BigInt,
        merged_into -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idea_votes (idea_id, user_id) {
        idea_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idea_status_changes (id) {
        id -> BigInt,
        idea_id -> BigInt,
        status -> Text,
        response -> Nullable<Text>,
        response_html -> Nullable<Text>,
        changed_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idea_accounts (idea_id, account_id) {
        idea_id -> BigInt,
        account_id -> BigInt,
    }
}

diesel::table! {
    idea_competitors (idea_id, competitor_id) {
        idea_id -> BigInt,
        competitor_id -> BigInt,
    }
}

diesel::table! {
    idea_tags (idea_id, tag) {
        idea_id -> BigInt,
        tag -> Text,
    }
}

diesel::joinable!(idea_status_changes -> users (changed_by));
diesel::joinable!(idea_accounts -> accounts (account_id));
diesel::joinable!(idea_competitors -> competitors (competitor_id));

diesel::table! {
    digest_settings (user_id) {
        user_id -> BigInt,
        frequency -> Text,
        hour -> Integer,
        timezone -> Text,
        email_mentions -> Bool,
        email_replies -> Bool,
        email_ideas -> Bool,
        email_follows -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        event_id -> BigInt,
        reason -> Text,
        payload -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    worker_cursors (name) {
        name -> Text,
        last_event_id -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        dedup_key -> Text,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        sender -> Text,
        recipient -> Text,
        subject -> Text,
        message -> Text,
        state -> Text,
        tries -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    digest_claims (user_id, period_key) {
        user_id -> BigInt,
        period_key -> Text,
        state -> Text,
        since -> Timestamp,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    /// The engine columns (FTS5 on SQLite, `tsv` on PostgreSQL) are kept
    /// by the database itself and queried in raw SQL (`search::find`).
    search_docs (id) {
        id -> BigInt,
        kind -> Text,
        ref_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        terms_title -> Text,
        terms_names -> Text,
        terms_tags -> Text,
        terms_body -> Text,
        terms_exact -> Text,
        category_id -> Nullable<BigInt>,
        hidden -> Bool,
    }
}

diesel::table! {
    search_state (id) {
        id -> BigInt,
        built -> Bool,
    }
}

diesel::table! {
    uploads (id) {
        id -> BigInt,
        owner_id -> BigInt,
        kind -> Text,
        content_type -> Text,
        name -> Text,
        size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        hash -> Text,
        thumb_hash -> Text,
        thumb_type -> Text,
        text -> Text,
        post_id -> Nullable<BigInt>,
        idea_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blobs (hash) {
        hash -> Text,
        data -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    client_ids (user_id, client_id) {
        user_id -> BigInt,
        client_id -> Text,
        kind -> Text,
        ref_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(uploads -> posts (post_id));

diesel::table! {
    report_forms (key) {
        key -> Text,
        title -> Text,
        category -> Text,
        definition -> Text,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reports (thread_id) {
        thread_id -> BigInt,
        form_key -> Text,
        author_id -> BigInt,
        answers -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(reports -> threads (thread_id));
diesel::joinable!(reports -> users (author_id));

diesel::table! {
    post_marks (post_id, marker_id) {
        post_id -> BigInt,
        marker_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(post_marks -> posts (post_id));

diesel::table! {
    user_identities (id) {
        id -> BigInt,
        user_id -> BigInt,
        issuer -> Text,
        subject -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(user_identities -> users (user_id));

diesel::table! {
    oidc_logins (state) {
        state -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        redirect_uri -> Text,
        next -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_batches (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        items -> Text,
        created_at -> Timestamp,
        due_at -> Timestamp,
    }
}

diesel::table! {
    password_links (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    password_links,
    mail_batches,
    post_marks,
    report_forms,
    reports,
    client_ids,
    uploads,
    blobs,
    search_docs,
    search_state,
    users,
    api_tokens,
    login_failures,
    setup_tokens,
    events,
    categories,
    threads,
    posts,
    post_revisions,
    thread_tags,
    thread_reads,
    audit_log,
    accounts,
    competitors,
    thread_accounts,
    thread_competitors,
    follows,
    ideas,
    idea_votes,
    idea_status_changes,
    idea_accounts,
    idea_competitors,
    idea_tags,
    digest_settings,
    notifications,
    worker_cursors,
    outbox,
    digest_claims,
    user_identities,
);
