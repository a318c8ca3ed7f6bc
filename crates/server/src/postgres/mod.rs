//! The shared storage: one PostgreSQL database that several server
//! processes can use at once (`wicket-server --database postgres://…`).
//!
//! The driver is the synchronous `postgres` crate, pooled by `r2d2`: the
//! model's [`World`](wicket_model::World) is synchronous, so a decision reads
//! the database in the middle of its transaction without an executor, as it
//! does on SQLite, and every query runs on tokio's blocking pool like
//! SQLite's. A `postgres::Client` drives its own small runtime, so it must
//! never be used, nor dropped, on an async thread: [`PgStorage::open`] and
//! the pool's last drop happen on threads of their own.
//!
//! What SQLite gets from having one writer, this backend states in locks:
//! a transaction that writes to the change feed locks the one row of
//! `feed_counter` first, so feed writers follow one another, decide on a
//! world no other feed writer is changing, and number the feed in commit
//! order; staff changes lock the owners' rows; a client's pushes, layout
//! drafts and new staff take transaction-scoped advisory locks.

mod broadcasts;
mod leases;
pub mod live;
mod migrate;
mod platform;
mod queries;
mod statements;
mod world;
mod writer;

use std::sync::Arc;

use async_trait::async_trait;
use r2d2_postgres::postgres::{self, GenericClient, NoTls};
use r2d2_postgres::{r2d2, PostgresConnectionManager};
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::layout::Layout;
use wicket_model::sync::{FeedEntry, PullResponse, PushResponse, Rejection};
use wicket_model::{Account, ChangeKind, Millis, PlatformProfile, Role, StaffUser, WicketError};

use crate::storage::{
    ApplyFn, ConversationFilter, DecideFn, DraftWrite, LayoutCheck, LayoutDraft, LayoutVersion, MessagePage, NewStaff,
    PushedMutation, Recorded, Result, StaffDecideFn, StaffUpdated, Storage, StorageError,
};
use world::{lock_feed, save_change, TxWorld};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// How many connections one server process keeps at most.
const POOL_SIZE: u32 = 16;

/// The storage on a PostgreSQL database, shared by every process that opens it.
#[derive(Clone)]
pub struct PgStorage {
    pool: Arc<PoolHolder>,
    /// Group commit for the decisions answered only once stored ([`writer`]).
    writer: crate::storage::group_writer::GroupWriter,
    /// Where the listening connection of the live feed connects.
    config: postgres::Config,
    /// This process's id, which its feed notifications carry (see [`live`]).
    origin: Arc<str>,
    /// Live events (presence) on their way to the other processes, while
    /// the live feed is relayed.
    outbox: Arc<std::sync::Mutex<Option<std::sync::mpsc::Sender<String>>>>,
}

/// Marks each pooled connection with the process's id, which the feed's
/// trigger puts in its notifications.
#[derive(Debug)]
struct MarkOrigin(Arc<str>);

impl r2d2::CustomizeConnection<postgres::Client, postgres::Error> for MarkOrigin {
    fn on_acquire(&self, conn: &mut postgres::Client) -> std::result::Result<(), postgres::Error> {
        conn.execute("SELECT set_config('wicket.origin', $1, false)", &[&&*self.0]).map(|_| ())
    }
}

/// Owns the pool, and closes its connections on a thread of their own when
/// the last storage goes (a client closing on an async thread would panic).
struct PoolHolder(Option<Pool>);

type Pooled = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

impl PoolHolder {
    fn connection(&self) -> Result<Pooled> {
        let pool = self.0.as_ref().ok_or_else(|| StorageError::Database("the storage is closed".into()))?;
        pool.get().map_err(|e| StorageError::Database(format!("no database connection: {e}")))
    }
}

impl Drop for PoolHolder {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let closing = std::thread::spawn(move || drop(pool));
            let _ = closing.join();
        }
    }
}

impl PgStorage {
    /// Connects to `url` (`postgres://user@host:port/database`) and applies
    /// the migrations the database lacks, each in its own transaction.
    /// Blocks: call it on a blocking thread ([`PgStorage::connect`] does).
    pub fn open(url: &str) -> Result<Self> {
        let config: postgres::Config =
            url.parse().map_err(|e| StorageError::Database(format!("not a PostgreSQL address: {e}")))?;
        let origin = live::new_origin();
        let manager = PostgresConnectionManager::new(config.clone(), NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_customizer(Box::new(MarkOrigin(origin.clone())))
            .connection_timeout(std::time::Duration::from_secs(15))
            .build(manager)
            .map_err(|e| StorageError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
        let pool = Arc::new(PoolHolder(Some(pool)));
        let writer = writer::start(pool.clone())?;
        let storage = Self { pool, writer, config, origin, outbox: Arc::default() };
        let mut conn = storage.connection()?;
        migrate::apply(&mut conn)?;
        drop(conn);
        Ok(storage)
    }

    /// Applies the migrations the database at `url` lacks, on one connection
    /// of its own, and says which versions it applied. Blocks.
    pub fn migrate(url: &str) -> Result<Vec<i64>> {
        let mut client = Self::client(url)?;
        migrate::apply(&mut client)
    }

    /// The schema version the database at `url` is at and the one this
    /// program wants; applies nothing. Blocks.
    pub fn schema_versions(url: &str) -> Result<(i64, i64)> {
        let mut client = Self::client(url)?;
        Ok((migrate::current_version(&mut client)?, migrate::known_version()?))
    }

    fn client(url: &str) -> Result<postgres::Client> {
        let config: postgres::Config =
            url.parse().map_err(|e| StorageError::Database(format!("not a PostgreSQL address: {e}")))?;
        config.connect(NoTls).map_err(|e| StorageError::Database(format!("cannot connect to PostgreSQL: {e}")))
    }

    /// [`PgStorage::open`] on the blocking pool.
    pub async fn connect(url: &str) -> Result<Self> {
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || Self::open(&url))
            .await
            .map_err(|e| StorageError::Database(format!("storage task failed: {e}")))?
    }

    fn connection(&self) -> Result<Pooled> {
        self.pool.connection()
    }

    async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut postgres::Client) -> Result<T> + Send + 'static,
    {
        let storage = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = storage.connection()?;
            job(&mut conn)
        })
        .await
        .map_err(|e| StorageError::Database(format!("storage task failed: {e}")))?
    }
}

/// The driver's error with what the database said: its `Display` alone is
/// "db error", which tells nobody anything.
pub(super) fn pg(e: postgres::Error) -> StorageError {
    match e.as_db_error() {
        Some(said) => StorageError::Database(format!("{} ({}): {}", e, said.code().code(), said.message())),
        None => StorageError::Database(e.to_string()),
    }
}

pub(super) fn db(e: impl std::fmt::Display) -> StorageError {
    StorageError::Database(e.to_string())
}

/// The value of column `index`, or why it cannot be read.
pub(super) fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a postgres::Row, index: usize) -> Result<T> {
    row.try_get(index).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// Takes a lock held until the transaction ends, named by `scope` and `key`
/// (two names that hash alike only wait for each other: never wrong).
pub(super) fn advisory_lock(tx: &mut impl GenericClient, scope: &str, key: &str) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&format!("{scope}:{key}")]).map_err(pg)?;
    Ok(())
}

const STAFF_COLUMNS: &str = "id, login, display_name, role";

fn staff_from_row(row: &postgres::Row) -> Result<StaffUser> {
    let role: String = get(row, 3)?;
    Ok(StaffUser {
        id: get(row, 0)?,
        login: get(row, 1)?,
        display_name: get(row, 2)?,
        role: Role::parse(&role).ok_or_else(|| StorageError::Corrupt(format!("staff role {role:?}")))?,
    })
}

pub(super) const ACCOUNT_COLUMNS: &str =
    "id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings";

pub(super) fn account_from_row(row: &postgres::Row) -> Result<Account> {
    let platform: String = get(row, 2)?;
    Ok(Account {
        id: get(row, 0)?,
        name: get(row, 1)?,
        platform: PlatformProfile::parse(&platform)
            .ok_or_else(|| StorageError::Corrupt(format!("account platform {platform:?}")))?,
        category: get(row, 3)?,
        description: get(row, 4)?,
        avatar_color: get(row, 5)?,
        archived: get(row, 6)?,
        created_at: get(row, 7)?,
        updated_at: get(row, 8)?,
        settings: get::<Option<String>>(row, 9)?.map(|json| world::decode(&json)).transpose()?,
    })
}

fn last_mutation_id(conn: &mut impl GenericClient, client_id: &str) -> Result<i64> {
    let row = conn.query_opt("SELECT last_mutation_id FROM clients WHERE client_id = $1", &[&client_id]).map_err(pg)?;
    row.map(|r| get(&r, 0)).transpose().map(|n| n.unwrap_or(0))
}

/// The staff member whose sign-in name is `login` up to Unicode case, with
/// their password hash. A team's staff list is short: it is read whole.
fn login_row(conn: &mut impl GenericClient, login: &str) -> Result<Option<(StaffUser, String)>> {
    let key = crate::auth::login_key(login);
    for row in conn.query(&format!("SELECT {STAFF_COLUMNS}, password_hash FROM staff"), &[]).map_err(pg)? {
        let user = staff_from_row(&row)?;
        if crate::auth::login_key(&user.login) == key {
            return Ok(Some((user, get(&row, 4)?)));
        }
    }
    Ok(None)
}

/// Applies one mutation (or records its refusal) with its digest and the
/// client's new last number, in one transaction. The client's pushes take
/// turns (an advisory lock), and the number is checked again inside, so two
/// pushes of one console at once apply a mutation once.
fn process(
    conn: &mut postgres::Client,
    client_id: &str,
    staff_id: &str,
    pushed: &PushedMutation,
    apply: &ApplyFn,
    now: Millis,
) -> Result<()> {
    let mut tx = conn.transaction().map_err(pg)?;
    advisory_lock(&mut tx, "client", client_id)?;
    if last_mutation_id(&mut tx, client_id)? >= pushed.id {
        return Ok(());
    }
    lock_feed(&mut tx)?;
    let decided = match &pushed.mutation {
        Ok(mutation) => {
            let each_time = statements::Statements::each_time();
            let world = TxWorld::new(&mut tx, &each_time);
            let decided = apply(&world, mutation);
            world.failed()?;
            decided
        }
        Err(unreadable) => Err(unreadable.clone()),
    };
    match decided {
        Ok(changes) => {
            for change in &changes {
                save_change(&mut tx, change, now)?;
            }
        }
        Err(error) => {
            let json = serde_json::to_string(&error).map_err(db)?;
            tx.execute(
                "INSERT INTO rejections (client_id, mutation_id, error) VALUES ($1, $2, $3)
                 ON CONFLICT (client_id, mutation_id) DO UPDATE SET error = excluded.error",
                &[&client_id, &pushed.id, &json],
            )
            .map_err(pg)?;
        }
    }
    tx.execute(
        "INSERT INTO mutation_digests (client_id, mutation_id, digest) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, mutation_id) DO UPDATE SET digest = excluded.digest",
        &[&client_id, &pushed.id, &pushed.digest],
    )
    .map_err(pg)?;
    tx.execute(
        "INSERT INTO clients (client_id, staff_id, last_mutation_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id,
           updated_at = excluded.updated_at",
        &[&client_id, &staff_id, &pushed.id, &now],
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)
}

/// The refusal of a mutation whose number this client used before for
/// other content (its recorded digest differs), or `None` when it is the
/// same mutation sent again, or was processed before digests were kept.
fn reused_number(
    conn: &mut impl GenericClient,
    client_id: &str,
    pushed: &PushedMutation,
    last: i64,
) -> Result<Option<Rejection>> {
    let seen = conn
        .query_opt(
            "SELECT digest FROM mutation_digests WHERE client_id = $1 AND mutation_id = $2",
            &[&client_id, &pushed.id],
        )
        .map_err(pg)?
        .map(|r| get::<String>(&r, 0))
        .transpose()?;
    if seen.is_none_or(|seen| seen == pushed.digest) {
        return Ok(None);
    }
    tracing::warn!(
        client_id,
        mutation_id = pushed.id,
        last_mutation_id = last,
        "a console sent another change under a number already processed (its numbering went back); refused, to be numbered again"
    );
    let issue = wicket_model::Issue::new("id", "sync.mutation.number_reused");
    let message =
        format!("change number {} was processed before with other content; number it again after {last}", pushed.id);
    Ok(Some(Rejection {
        id: pushed.id,
        error: WicketError { code: wicket_model::ErrorCode::Conflict, message, issues: vec![issue] },
    }))
}

/// Refuses a client id that another staff member's changes were recorded under.
fn check_client_owner(conn: &mut impl GenericClient, client_id: &str, staff_id: &str) -> Result<()> {
    let owner = conn
        .query_opt("SELECT staff_id FROM clients WHERE client_id = $1", &[&client_id])
        .map_err(pg)?
        .map(|r| get::<String>(&r, 0))
        .transpose()?;
    match owner {
        Some(owner) if owner != staff_id => Err(StorageError::ClientTaken(client_id.to_owned())),
        _ => Ok(()),
    }
}

fn newest_seq(conn: &mut impl GenericClient) -> Result<i64> {
    newest_seq_with(conn, &statements::Statements::each_time())
}

/// [`newest_seq`], its statement run as `statements` say.
fn newest_seq_with(conn: &mut impl GenericClient, statements: &statements::Statements) -> Result<i64> {
    let row = statements.query_one(conn, "SELECT coalesce(max(seq), 0)::BIGINT FROM changes", &[]).map_err(pg)?;
    get(&row, 0)
}

fn one_body<T: serde::de::DeserializeOwned>(
    conn: &mut impl GenericClient,
    query: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Option<T>> {
    let row = conn.query_opt(query, params).map_err(pg)?;
    row.map(|r| world::decode(&get::<String>(&r, 0)?)).transpose()
}

#[async_trait]
impl Storage for PgStorage {
    async fn staff_count(&self) -> Result<u64> {
        self.run(|conn| {
            let row = conn.query_one("SELECT count(*) FROM staff", &[]).map_err(pg)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
        .await
    }

    async fn create_staff(&self, new: NewStaff, now: Millis) -> Result<StaffUser> {
        self.run(move |conn| {
            let user = StaffUser {
                id: uuid::Uuid::new_v4().to_string(),
                login: new.login,
                display_name: new.display_name,
                role: new.role,
            };
            let mut tx = conn.transaction().map_err(pg)?;
            // New staff take turns: names differ in more than case, over all
            // of Unicode, which no index states.
            advisory_lock(&mut tx, "staff", "new")?;
            if login_row(&mut tx, &user.login)?.is_some() {
                return Err(StorageError::LoginTaken(user.login));
            }
            let inserted = tx
                .execute(
                    "INSERT INTO staff (id, login, display_name, role, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO NOTHING",
                    &[&user.id, &user.login, &user.display_name, &user.role.as_str(), &new.password_hash, &now],
                )
                .map_err(pg)?;
            match inserted {
                0 => Err(StorageError::LoginTaken(user.login)),
                _ => {
                    tx.commit().map_err(pg)?;
                    Ok(user)
                }
            }
        })
        .await
    }

    async fn staff_by_login(&self, login: &str) -> Result<Option<(StaffUser, String)>> {
        let login = login.to_owned();
        self.run(move |conn| login_row(conn, &login)).await
    }

    async fn staff_by_role(&self, role: Role) -> Result<Vec<StaffUser>> {
        self.run(move |conn| {
            let rows = conn
                .query(
                    &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE role = $1 ORDER BY created_at, pos"),
                    &[&role.as_str()],
                )
                .map_err(pg)?;
            rows.iter().map(staff_from_row).collect()
        })
        .await
    }

    async fn list_staff(&self) -> Result<Vec<StaffUser>> {
        self.run(move |conn| {
            let rows =
                conn.query(&format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, pos"), &[]).map_err(pg)?;
            rows.iter().map(staff_from_row).collect()
        })
        .await
    }

    async fn staff_by_id(&self, id: &str) -> Result<Option<StaffUser>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let row =
                conn.query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"), &[&id]).map_err(pg)?;
            row.as_ref().map(staff_from_row).transpose()
        })
        .await
    }

    async fn change_staff(
        &self,
        id: &str,
        decide: StaffDecideFn,
        password_hash: Option<String>,
    ) -> Result<StaffUpdated> {
        let id = id.to_owned();
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            // The owners' rows stay locked until the commit: a second change
            // at once waits here and then counts the owners left.
            let owners = tx.query("SELECT id FROM staff WHERE role = 'owner' FOR UPDATE", &[]).map_err(pg)?.len();
            let current = tx
                .query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1 FOR UPDATE"), &[&id])
                .map_err(pg)?;
            let Some(current) = current.as_ref().map(staff_from_row).transpose()? else {
                return Ok(StaffUpdated::NotFound);
            };
            let user = match decide(&current, owners as u64) {
                StaffUpdated::Done(user) => user,
                refused => return Ok(refused),
            };
            tx.execute(
                "UPDATE staff SET display_name = $2, role = $3 WHERE id = $1",
                &[&current.id, &user.display_name, &user.role.as_str()],
            )
            .map_err(pg)?;
            if let Some(hash) = password_hash {
                tx.execute("UPDATE staff SET password_hash = $2 WHERE id = $1", &[&current.id, &hash]).map_err(pg)?;
                tx.execute("DELETE FROM sessions WHERE staff_id = $1", &[&current.id]).map_err(pg)?;
            }
            tx.commit().map_err(pg)?;
            Ok(StaffUpdated::Done(StaffUser { id: current.id, login: current.login, ..user }))
        })
        .await
    }

    async fn create_session(&self, token_hash: &str, staff_id: &str, now: Millis, expires_at: Millis) -> Result<()> {
        let (token_hash, staff_id) = (token_hash.to_owned(), staff_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[&token_hash, &staff_id, &now, &expires_at],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<StaffUser>> {
        let token_hash = token_hash.to_owned();
        self.run(move |conn| {
            let row = conn
                .query_opt(
                    "SELECT s.id, s.login, s.display_name, s.role FROM sessions t JOIN staff s ON s.id = t.staff_id
                     WHERE t.token_hash = $1 AND t.expires_at > $2",
                    &[&token_hash, &now],
                )
                .map_err(pg)?;
            row.as_ref().map(staff_from_row).transpose()
        })
        .await
    }

    async fn revoke_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.run(move |conn| {
            conn.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn revoke_all_sessions(&self, staff_id: &str) -> Result<()> {
        let staff_id = staff_id.to_owned();
        self.run(move |conn| {
            conn.execute("DELETE FROM sessions WHERE staff_id = $1", &[&staff_id]).map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn push(
        &self,
        client_id: &str,
        staff_id: &str,
        mutations: Vec<PushedMutation>,
        apply: Arc<ApplyFn>,
        now: Millis,
    ) -> Result<PushResponse> {
        let (client_id, staff_id) = (client_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| {
            check_client_owner(conn, &client_id, &staff_id)?;
            let mut rejected = Vec::new();
            let mut last = last_mutation_id(conn, &client_id)?;
            // Every commit is synced before it returns (PostgreSQL's
            // default, synchronous_commit = on): once answered, nothing
            // processed here is lost to a power cut.
            for pushed in mutations {
                if pushed.id <= last {
                    if let Some(reused) = reused_number(conn, &client_id, &pushed, last)? {
                        rejected.push(reused);
                        break;
                    }
                    continue;
                }
                process(conn, &client_id, &staff_id, &pushed, &*apply, now)?;
                last = pushed.id;
            }
            let rows = conn
                .query(
                    "SELECT mutation_id, error FROM rejections WHERE client_id = $1 AND mutation_id <= $2
                     ORDER BY mutation_id",
                    &[&client_id, &last],
                )
                .map_err(pg)?;
            for row in rows {
                let error: WicketError =
                    serde_json::from_str(&get::<String>(&row, 1)?).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                rejected.push(Rejection { id: get(&row, 0)?, error });
            }
            Ok(PushResponse { last_mutation_id: last, rejected })
        })
        .await
    }

    async fn pull(
        &self,
        client_id: &str,
        staff_id: &str,
        scope: &[ChangeKind],
        after: i64,
        limit: u32,
        now: Millis,
    ) -> Result<PullResponse> {
        let (client_id, staff_id, scope) = (client_id.to_owned(), staff_id.to_owned(), scope.to_vec());
        self.run(move |conn| {
            // One snapshot: the changes, the newest position and the
            // client's number agree. The feed's numbers follow its commits,
            // so a snapshot holds every change up to its newest one.
            let mut tx = conn
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg)?;
            check_client_owner(&mut tx, &client_id, &staff_id)?;
            let newest = newest_seq(&mut tx)?;
            let last_mutation_id = last_mutation_id(&mut tx, &client_id)?;
            let kinds: Vec<String> = scope
                .iter()
                .map(|kind| serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)))
                .collect::<Option<_>>()
                .ok_or_else(|| StorageError::Database("a change kind is not a name".into()))?;
            let rows = tx
                .query(
                    "SELECT seq, body FROM changes WHERE seq > $1 AND kind = ANY($3) ORDER BY seq LIMIT $2",
                    &[&after, &(i64::from(limit) + 1), &kinds],
                )
                .map_err(pg)?;
            tx.commit().map_err(pg)?;
            let mut changes = Vec::new();
            let mut bytes = 0;
            let mut full = false;
            for row in rows {
                let body: String = get(&row, 1)?;
                bytes += body.len();
                if bytes > wicket_model::sync::PULL_MAX_BYTES && !changes.is_empty() {
                    full = true;
                    break;
                }
                let change = serde_json::from_str(&body).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                changes.push(FeedEntry { seq: get(&row, 0)?, change });
            }
            let more = full || changes.len() > limit as usize;
            changes.truncate(limit as usize);
            let cursor = match changes.last() {
                Some(last) if more => last.seq,
                _ => after.max(newest),
            };
            Ok(PullResponse {
                changes,
                cursor,
                more,
                last_mutation_id,
                server_time: now,
                newest: Some(newest),
                scope: Some(scope),
            })
        })
        .await
    }

    async fn record(&self, decide: DecideFn, now: Millis) -> Result<std::result::Result<Recorded, WicketError>> {
        self.run(move |conn| {
            let mut tx = conn.transaction().map_err(pg)?;
            let recorded = world::decide_and_save(&mut tx, decide, now)?;
            if recorded.is_ok() {
                tx.commit().map_err(pg)?;
            }
            Ok(recorded)
        })
        .await
    }

    async fn account(&self, id: &str) -> Result<Option<Account>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let row =
                conn.query_opt(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"), &[&id]).map_err(pg)?;
            row.as_ref().map(account_from_row).transpose()
        })
        .await
    }

    async fn last_seq(&self) -> Result<i64> {
        self.run(newest_seq).await
    }

    async fn conversations(&self, filter: ConversationFilter) -> Result<Vec<Conversation>> {
        self.run(move |conn| queries::conversations(conn, &filter)).await
    }

    async fn unread_counts(&self, staff_id: &str, conversation_ids: Vec<String>) -> Result<Vec<u32>> {
        let staff_id = staff_id.to_owned();
        self.run(move |conn| queries::unread_counts(conn, &staff_id, &conversation_ids)).await
    }

    async fn mark_read(&self, staff_id: &str, conversation_id: &str, at: Millis) -> Result<()> {
        let (staff_id, conversation_id) = (staff_id.to_owned(), conversation_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO read_marks (staff_id, conversation_id, read_at) VALUES ($1, $2, $3)
                 ON CONFLICT (staff_id, conversation_id)
                 DO UPDATE SET read_at = greatest(read_marks.read_at, excluded.read_at)",
                &[&staff_id, &conversation_id, &at],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn conversation(&self, id: &str) -> Result<Option<Conversation>> {
        let id = id.to_owned();
        self.run(move |conn| one_body(conn, "SELECT body FROM conversations WHERE id = $1", &[&id])).await
    }

    async fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>> {
        let subscriber_id = subscriber_id.to_owned();
        self.run(move |conn| {
            one_body(conn, "SELECT body FROM conversations WHERE subscriber_id = $1", &[&subscriber_id])
        })
        .await
    }

    async fn message(&self, id: &str) -> Result<Option<Message>> {
        let id = id.to_owned();
        self.run(move |conn| one_body(conn, "SELECT body FROM messages WHERE id = $1", &[&id])).await
    }

    async fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<wicket_model::auto_reply::AutoReplyRule>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| world::auto_reply_rules(conn, &statements::Statements::each_time(), &account_id)).await
    }

    async fn messages(&self, conversation_id: &str, page: MessagePage) -> Result<Vec<Message>> {
        let conversation_id = conversation_id.to_owned();
        self.run(move |conn| queries::messages(conn, &conversation_id, &page)).await
    }

    async fn messages_after(&self, conversation_id: &str, after: i64, limit: u32) -> Result<(Vec<Message>, i64)> {
        let conversation_id = conversation_id.to_owned();
        self.run(move |conn| queries::messages_after(conn, &conversation_id, after, limit)).await
    }

    async fn subscribers(&self, account_id: &str, search: Option<String>, limit: u32) -> Result<Vec<Subscriber>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::subscribers(conn, &account_id, search.as_deref(), limit)).await
    }

    async fn subscriber(&self, id: &str) -> Result<Option<Subscriber>> {
        let id = id.to_owned();
        self.run(move |conn| one_body(conn, "SELECT body FROM subscribers WHERE id = $1", &[&id])).await
    }

    async fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        user_id: &str,
    ) -> Result<Option<Subscriber>> {
        let (account_id, platform, user_id) = (account_id.to_owned(), platform.to_owned(), user_id.to_owned());
        self.run(move |conn| {
            one_body(
                conn,
                "SELECT body FROM subscribers WHERE account_id = $1 AND platform = $2 AND platform_user_id = $3",
                &[&account_id, &platform, &user_id],
            )
        })
        .await
    }

    async fn layout_draft(&self, account_id: &str) -> Result<LayoutDraft> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::draft(conn, &account_id)).await
    }

    async fn save_layout_draft(
        &self,
        account_id: &str,
        expected_revision: i64,
        layout: Layout,
        staff_id: &str,
        now: Millis,
    ) -> Result<DraftWrite<LayoutDraft>> {
        let (account_id, staff_id) = (account_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| queries::save_draft(conn, &account_id, expected_revision, &layout, &staff_id, now)).await
    }

    async fn publish_layout(
        &self,
        account_id: &str,
        expected_revision: i64,
        staff_id: &str,
        now: Millis,
        check: LayoutCheck,
    ) -> Result<std::result::Result<DraftWrite<i64>, WicketError>> {
        let (account_id, staff_id) = (account_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| queries::publish(conn, &account_id, expected_revision, &staff_id, now, check)).await
    }

    async fn layout_versions(&self, account_id: &str) -> Result<Vec<LayoutVersion>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::versions(conn, &account_id)).await
    }

    async fn layout_version(&self, account_id: &str, version: i64) -> Result<Option<Layout>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::version(conn, &account_id, version)).await
    }

    async fn set_live_layout(&self, account_id: &str, version: i64, now: Millis) -> Result<bool> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::roll_back(conn, &account_id, version, now)).await
    }

    async fn live_layout(&self, account_id: &str) -> Result<Option<(i64, Layout)>> {
        let account_id = account_id.to_owned();
        self.run(move |conn| queries::live(conn, &account_id)).await
    }

    async fn sandbox_visitor(&self, token_hash: &str) -> Result<Option<String>> {
        let token_hash = token_hash.to_owned();
        self.run(move |conn| {
            let row = conn
                .query_opt("SELECT user_id FROM sandbox_visitors WHERE token_hash = $1", &[&token_hash])
                .map_err(pg)?;
            row.map(|r| get(&r, 0)).transpose()
        })
        .await
    }

    async fn create_sandbox_visitor(&self, token_hash: &str, user_id: &str, now: Millis) -> Result<()> {
        let (token_hash, user_id) = (token_hash.to_owned(), user_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO sandbox_visitors (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
                &[&token_hash, &user_id, &now],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn save_media(&self, id: &str, mime: &str, bytes: Vec<u8>, now: Millis) -> Result<()> {
        let (id, mime) = (id.to_owned(), mime.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO media (id, mime, bytes, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&id, &mime, &bytes, &now],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    async fn media(&self, id: &str) -> Result<Option<(String, Vec<u8>)>> {
        let id = id.to_owned();
        self.run(move |conn| {
            let row = conn.query_opt("SELECT mime, bytes FROM media WHERE id = $1", &[&id]).map_err(pg)?;
            row.map(|r| Ok((get(&r, 0)?, get(&r, 1)?))).transpose()
        })
        .await
    }

    async fn media_bytes(&self) -> Result<u64> {
        self.run(|conn| {
            let row =
                conn.query_one("SELECT coalesce(sum(octet_length(bytes)), 0)::BIGINT FROM media", &[]).map_err(pg)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
        .await
    }

    async fn purge(&self, now: Millis, clients_idle_before: Millis) -> Result<crate::storage::Purged> {
        self.run(move |conn| queries::purge(conn, now, clients_idle_before)).await
    }

    fn platforms(&self) -> &dyn crate::platform::store::PlatformStore {
        self
    }

    fn relay_live(
        &self,
        live: tokio::sync::broadcast::Sender<wicket_model::sync::LiveEvent>,
        closing: tokio::sync::watch::Receiver<bool>,
        rules_changed: Arc<dyn Fn() + Send + Sync>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        Some(live::spawn(self.clone(), live, closing, rules_changed))
    }

    fn share_live(&self, event: &wicket_model::sync::LiveEvent) {
        live::share(self, event);
    }

    async fn claim_leases(&self, names: Vec<String>, holder: &str, ttl: std::time::Duration) -> Result<Vec<String>> {
        let holder = holder.to_owned();
        self.run(move |conn| leases::claim(conn, &names, &holder, ttl)).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.run(move |conn| leases::release(conn, &name, &holder)).await
    }

    async fn take_shared_budget(
        &self,
        key: &str,
        burst: u32,
        every: std::time::Duration,
    ) -> Result<Option<std::result::Result<(), std::time::Duration>>> {
        let key = key.to_owned();
        self.run(move |conn| leases::take_budget(conn, &key, burst, every).map(Some)).await
    }

    async fn shared_token(&self, key: &str) -> Result<Option<(Vec<u8>, Millis)>> {
        let key = key.to_owned();
        self.run(move |conn| {
            let row =
                conn.query_opt("SELECT sealed, expires_at FROM platform_tokens WHERE key = $1", &[&key]).map_err(pg)?;
            row.map(|row| Ok((get(&row, 0)?, get(&row, 1)?))).transpose()
        })
        .await
    }

    async fn save_shared_token(&self, key: &str, sealed: Vec<u8>, expires_at: Millis, now: Millis) -> Result<()> {
        let key = key.to_owned();
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO platform_tokens (key, sealed, expires_at, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at,
                   updated_at = excluded.updated_at",
                &[&key, &sealed, &expires_at, &now],
            )
            .map_err(pg)?;
            Ok(())
        })
        .await
    }

    fn broadcasts(&self) -> &dyn crate::broadcast::store::BroadcastStore {
        self
    }
}
