//! The command line (see the contract). Every database command applies
//! pending migrations first, so any command works on a fresh install.

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::models::{tokens, users};
use crate::startup::{Application, RunOptions};

#[derive(Parser, Debug)]
#[command(
    name = "grapevine",
    version,
    about = "Grapevine: what the field hears, where marketing can use it"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply migrations, then serve HTTP and websockets until SIGINT/SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// CRM accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Email digests.
    Digest {
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// The search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Rebuild the search index from the database and print how many items
    /// it holds.
    Reindex,
}

#[derive(Subcommand, Debug)]
pub enum DigestCommand {
    /// Send now to every user on that frequency (default: both) who has not
    /// yet had this period's digest, whatever their preferred hour; then
    /// send every mail waiting in the outbox.
    Send {
        /// daily or weekly
        #[arg(long)]
        period: Option<String>,
        /// Print what would be sent; send and record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Import or update accounts from a CSV file (columns external_id, name,
    /// and optionally domain, industry, owner_email). A file with any invalid
    /// row imports nothing.
    Import {
        /// The CSV file (UTF-8, comma-separated, a header row).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Without --password the password is read from stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// rep, marketer or admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        password: Option<String>,
        /// The user's team, for the contribution figures.
        #[arg(long)]
        team: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new API token for the user, alone on one line.
    Create {
        #[arg(long)]
        email: String,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Accounts {
            command: AccountsCommand::Import { file },
        } => import_accounts(&settings, &file),
        Command::Serve => serve(settings),
        Command::Search {
            command: SearchCommand::Reindex,
        } => reindex(&settings),
        Command::Digest {
            command: DigestCommand::Send { period, dry_run },
        } => digest_send(&settings, period.as_deref(), dry_run),
        Command::Migrate => {
            let pool = db::connect(&settings.database_url, 1)?;
            let n = db::run_migrations(&mut *pool.get()?)?;
            println!("{n} migration(s) applied; the database is up to date");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    password,
                    team,
                },
        } => {
            let team = crate::domain::crm::short_text(team.as_deref())
                .map_err(|e| anyhow::anyhow!("--team: {e}"))?;
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let name = PersonName::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let role = Role::parse(&role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let password =
                NewPassword::parse(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let mut conn = migrated(&settings)?;
            let new = users::NewUser {
                email,
                name,
                role,
                locale: None,
            };
            let user =
                users::create(&mut conn, &new, &password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let detail = format!(
                "{} <{}> · {} · command line",
                user.name, user.email, user.role
            );
            audit_by_system(&mut conn, "user.create", ("user", user.id), &detail)?;
            if team.is_some() {
                users::set_team(&mut conn, user.id, team.as_deref())?;
            }
            println!("created {} <{}> as {}", user.name, user.email, user.role);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { email },
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let mut conn = migrated(&settings)?;
            let user = users::find_by_email(&mut conn, &email)?
                .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))?;
            if !user.active {
                anyhow::bail!("user {email} is deactivated");
            }
            let token = tokens::create(&mut conn, user.id)?;
            let detail = format!("{} <{}> · command line", user.name, user.email);
            audit_by_system(&mut conn, "token.create", ("user", user.id), &detail)?;
            println!("{token}");
            Ok(())
        }
    }
}

fn import_accounts(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    use crate::crm::import;
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let rows = import::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut conn = migrated(settings)?;
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let summary = import::import(&mut conn, &rows, &|done| bar.set_position(done as u64))
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    bar.finish_and_clear();
    let detail = format!("{} rows: {summary} · command line", rows.len());
    audit_by_system(&mut conn, "accounts.import", ("import", 0), &detail)?;
    println!("{} rows: {summary}", rows.len());
    Ok(())
}

/// The command line acts as Grapevine's own account in the audit log.
fn audit_by_system(
    conn: &mut crate::db::DbConn,
    action: &str,
    target: (&str, i64),
    detail: &str,
) -> anyhow::Result<()> {
    let system = crate::ideas::system_user(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::models::audit::record_from(conn, system, action, target, detail, None)?;
    Ok(())
}

fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = migrated(settings)?;
    let bar = indicatif::ProgressBar::new_spinner();
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_message("indexing");
    let total = crate::search::index::rebuild(&mut conn, &|done| {
        bar.set_message(format!("{done} items indexed"));
        bar.tick();
    })?;
    bar.finish_and_clear();
    println!("{total} items indexed");
    Ok(())
}

fn digest_send(settings: &Settings, period: Option<&str>, dry_run: bool) -> anyhow::Result<()> {
    use crate::digest::send::{self, Period};
    use crate::mail::{compose::Composer, outbox, Mailer};
    let periods = match period {
        None => Period::ALL.to_vec(),
        Some(p) => vec![Period::parse(p.trim())
            .ok_or_else(|| anyhow::anyhow!("--period: {p:?} is neither daily nor weekly"))?],
    };
    let pool = db::connect(&settings.database_url, 2)?;
    db::run_migrations(&mut *pool.get()?)?;
    let tera = crate::assets::build_tera()?;
    let composer = Composer {
        tera: &tera,
        settings,
    };
    let opts = send::RunOptions {
        periods,
        any_hour: true,
        dry_run,
    };
    let report = send::run(
        &mut *pool.get()?,
        composer,
        &opts,
        chrono::Utc::now(),
        &mut |line| println!("{line}"),
    )?;
    if dry_run {
        println!(
            "dry run: {} digest(s) would be sent, {} user(s) have nothing new, {} already had this period's; nothing was sent or recorded",
            report.queued, report.empty, report.already
        );
        return Ok(());
    }
    println!(
        "{} digest(s) queued, {} user(s) with nothing new, {} already had this period's",
        report.queued, report.empty, report.already
    );
    let delivery = actix_web::rt::System::new().block_on(async {
        let mailer = Mailer::from_settings(settings)?;
        println!("sending through {}", mailer.describe(settings));
        outbox::deliver(&pool, &mailer, true).await
    })?;
    println!("{} mail(s) sent", delivery.sent);
    if delivery.retrying + delivery.gave_up > 0 {
        anyhow::bail!(
            "{} mail(s) could not be sent and stay queued for a retry, {} given up after {} tries (see the log for the reasons)",
            delivery.retrying,
            delivery.gave_up,
            outbox::MAX_TRIES
        );
    }
    Ok(())
}

fn migrated(settings: &Settings) -> anyhow::Result<db::PooledConn> {
    let pool = db::connect(&settings.database_url, 1)?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    Ok(conn)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("Password: ")?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let bind = settings.bind;
        let app = Application::build(settings, RunOptions::default()).await?;
        println!("Grapevine is listening on http://{bind}");
        if let Some(link) = &app.setup_link {
            println!();
            println!("No user exists yet. Open this link to create the first admin account");
            println!("(it works once):");
            println!();
            println!("    {link}");
            println!();
        }
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
