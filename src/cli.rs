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
                },
        } => {
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
            println!("{}", tokens::create(&mut conn, user.id)?);
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
    println!("{} rows: {summary}", rows.len());
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
