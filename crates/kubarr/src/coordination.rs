//! Several replicas, one database: which replica runs the background work.
//!
//! With PostgreSQL, Kubarr may run as several replicas. Requests are served by all of them and an
//! app operation runs in the replica that accepted it (the database's one-operation-per-app guard
//! makes that exactly once). Work nobody asked for — start-up reconciliation, recovering the
//! operations of a replica that died, purges — runs only on the **leader**, elected through the
//! `leader` row of the `leases` table. Every replica also renews a liveness lease of its own; an
//! operation whose replica's lease expired is orphaned and the leader recovers it.
//!
//! SQLite cannot be shared between pods (the chart runs one replica), so there the single
//! process is the leader from the start and any operation it did not start is orphaned.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kubarr_db::queries::leases;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::watch;

/// How often leases are renewed.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);
/// A leader that stops renewing is replaced this long after its last renewal.
pub const LEADER_TTL: Duration = Duration::from_secs(15);
/// A replica that stops renewing counts as dead this long after its last renewal.
pub const REPLICA_TTL: Duration = Duration::from_secs(20);

/// This replica's identity and its view of leadership.
pub struct Coordination {
    replica: String,
    shared: bool,
    leader: watch::Sender<bool>,
}

impl Coordination {
    /// The only process on its database: always the leader.
    pub fn single() -> Arc<Self> {
        Arc::new(Self {
            replica: new_replica_id(),
            shared: false,
            leader: watch::Sender::new(true),
        })
    }

    /// One of possibly several replicas: leader only once it wins the lease
    /// (see [`spawn`](Self::spawn)).
    pub fn shared() -> Arc<Self> {
        Arc::new(Self {
            replica: new_replica_id(),
            shared: true,
            leader: watch::Sender::new(false),
        })
    }

    /// Single for SQLite, shared for PostgreSQL.
    pub fn for_database(url: &str) -> Arc<Self> {
        match kubarr_db::Backend::from_url(url) {
            Some(kubarr_db::Backend::Postgres) => Self::shared(),
            _ => Self::single(),
        }
    }

    /// Whether other replicas may share the database.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// This replica's id (recorded as the owner of the operations it runs).
    pub fn replica_id(&self) -> &str {
        &self.replica
    }

    pub fn is_leader(&self) -> bool {
        *self.leader.borrow()
    }

    /// Changes of leadership.
    pub fn leadership(&self) -> watch::Receiver<bool> {
        self.leader.subscribe()
    }

    /// Whether `replica` is still alive (its operations are not orphaned).
    pub async fn is_alive(&self, db: &DatabaseConnection, replica: &str) -> Result<bool, DbErr> {
        if replica == self.replica {
            return Ok(true);
        }
        if !self.shared {
            return Ok(false);
        }
        leases::is_held(db, &leases::replica_lease(replica), Utc::now()).await
    }

    /// Renews the leases until the task is aborted. Does nothing for a single process.
    pub fn spawn(self: &Arc<Self>, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            if !this.shared {
                return;
            }
            let mut tick = tokio::time::interval(RENEW_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                this.renew(&db).await;
            }
        })
    }

    async fn renew(&self, db: &DatabaseConnection) {
        let now = Utc::now();
        let alive = leases::try_acquire(
            db,
            &leases::replica_lease(&self.replica),
            &self.replica,
            ttl(REPLICA_TTL),
            now,
        )
        .await;
        if let Err(e) = alive {
            tracing::warn!(error = %e, "could not renew this replica's liveness lease");
        }
        let leading = match leases::try_acquire(
            db,
            leases::LEADER,
            &self.replica,
            ttl(LEADER_TTL),
            now,
        )
        .await
        {
            Ok(leading) => leading,
            Err(e) => {
                // Unsure whether the lease still holds: stop leading rather than risk two leaders.
                tracing::warn!(error = %e, "could not renew the leader lease");
                false
            }
        };
        self.leader.send_if_modified(|was| {
            if *was == leading {
                return false;
            }
            if leading {
                tracing::info!(replica = %self.replica, "this replica is now the leader");
            } else {
                tracing::warn!(replica = %self.replica, "this replica is no longer the leader");
            }
            *was = leading;
            true
        });
    }

    /// Gives the leases up so another replica takes over at once (on a clean shutdown).
    pub async fn step_down(&self, db: &DatabaseConnection) {
        if !self.shared {
            return;
        }
        self.leader.send_replace(false);
        let _ = leases::release(db, leases::LEADER, &self.replica).await;
        let _ = leases::release(db, &leases::replica_lease(&self.replica), &self.replica).await;
    }

    /// Runs the task made by `start` while this replica leads: started on winning the lease,
    /// aborted on losing it. Returns the supervising task.
    pub fn while_leader<F, Fut>(self: &Arc<Self>, start: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut leadership = self.leadership();
        tokio::spawn(async move {
            loop {
                while !*leadership.borrow_and_update() {
                    if leadership.changed().await.is_err() {
                        return;
                    }
                }
                let mut task = tokio::spawn(start());
                loop {
                    tokio::select! {
                        _ = &mut task => break,
                        changed = leadership.changed() => {
                            if changed.is_err() || !*leadership.borrow() {
                                task.abort();
                                break;
                            }
                        }
                    }
                }
                // A task that ended by itself is not restarted until leadership is regained.
                while *leadership.borrow_and_update() {
                    if leadership.changed().await.is_err() {
                        return;
                    }
                }
            }
        })
    }
}

fn ttl(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::seconds(15))
}

fn new_replica_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let suffix = hex::encode(rand::random::<[u8; 6]>());
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    if host.is_empty() {
        suffix[..12].to_owned()
    } else {
        format!("{host}-{}", &suffix[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_single_process_leads_and_owns_only_its_own_operations() {
        let c = Coordination::single();
        assert!(c.is_leader());
        let db = sea_orm::DatabaseConnection::Disconnected;
        assert!(c.is_alive(&db, c.replica_id()).await.unwrap());
        assert!(!c.is_alive(&db, "another-replica").await.unwrap());
    }

    #[tokio::test]
    async fn leader_work_starts_on_winning_and_stops_on_losing_the_lease() {
        let c = Coordination::shared();
        let running = Arc::new(AtomicUsize::new(0));
        let r = running.clone();
        let _supervisor = c.while_leader(move || {
            let r = r.clone();
            async move {
                r.fetch_add(1, Ordering::SeqCst);
                let _guard = Decrement(r);
                std::future::pending::<()>().await
            }
        });
        let wait = |want: usize| {
            let running = running.clone();
            async move {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
                while running.load(Ordering::SeqCst) != want {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "never reached {want}"
                    );
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        };
        wait(0).await;
        c.leader.send_replace(true);
        wait(1).await;
        c.leader.send_replace(false);
        wait(0).await;
        c.leader.send_replace(true);
        wait(1).await;
    }

    struct Decrement(Arc<AtomicUsize>);
    impl Drop for Decrement {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
