//! What a user's roles grant, resolved from the database and cached briefly.
//!
//! Every change to roles, their permissions or grants, or a user's roles calls
//! [`GrantsCache::invalidate`] (after its commit), so a revoked permission is gone on the very
//! next request. Entries also expire after a few seconds, bounding staleness for changes this
//! process did not make (another replica, the command line).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr};

use super::Permissions;

/// The resolved grants of one user.
#[derive(Clone, Debug, Default)]
pub struct Grants {
    pub permissions: Permissions,
    /// Role names, sorted.
    pub roles: Vec<String>,
    /// One of the roles requires 2FA.
    pub requires_2fa: bool,
}

impl Grants {
    /// Reads a user's grants (one query).
    pub async fn load(db: &impl ConnectionTrait, user_id: i64) -> Result<Self, DbErr> {
        let rows = kubarr_db::queries::roles::user_grants(db, user_id).await?;
        let mut roles: Vec<String> = Vec::new();
        let mut requires_2fa = false;
        let mut global = Vec::new();
        let mut per_app = Vec::new();
        for row in &rows {
            if !roles.contains(&row.role_name) {
                roles.push(row.role_name.clone());
            }
            requires_2fa |= row.requires_2fa;
            match (&row.permission, &row.app_name) {
                (Some(p), None) => global.push(p.as_str()),
                (Some(p), Some(app)) => per_app.push((app.as_str(), p.as_str())),
                _ => {}
            }
        }
        roles.sort();
        Ok(Self {
            permissions: Permissions::from_names(global, per_app),
            roles,
            requires_2fa,
        })
    }
}

/// A small map whose entries die after `ttl`, or all at once on [`invalidate`](Self::invalidate).
/// Every invalidation is also announced to [`subscribe`](Self::subscribe) receivers, so long-lived
/// responses re-check what they rely on.
pub struct GenerationCache<K, V> {
    ttl: Duration,
    generation: AtomicU64,
    entries: RwLock<HashMap<K, Slot<V>>>,
    changes: tokio::sync::watch::Sender<u64>,
}

/// A cached value with the generation it was loaded at and when.
type Slot<V> = (u64, Instant, Arc<V>);

const MAX_ENTRIES: usize = 10_000;

impl<K: std::hash::Hash + Eq + Clone, V> GenerationCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: RwLock::new(HashMap::new()),
            changes: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Wakes on every [`invalidate`](Self::invalidate) (in this process).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The current generation; read it *before* loading a value to store with [`put`](Self::put).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A live entry.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let generation = self.generation();
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((g, at, v)) if *g == generation && at.elapsed() < self.ttl => Some(v.clone()),
            _ => None,
        }
    }

    /// Stores a value loaded at `generation`: if anything was invalidated meanwhile, the entry
    /// is already stale and never served.
    pub fn put(&self, key: K, generation: u64, value: Arc<V>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let now = self.generation();
            entries.retain(|_, (g, at, _)| *g == now && at.elapsed() < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (generation, Instant::now(), value));
    }

    /// Forgets every entry (call after committing a change the cached values depend on).
    pub fn invalidate(&self) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.changes.send_replace(generation);
    }
}

/// Cached [`Grants`] per user id. Role and user-role changes invalidate it.
pub struct GrantsCache(GenerationCache<i64, Grants>);

impl Default for GrantsCache {
    fn default() -> Self {
        Self(GenerationCache::new(Duration::from_secs(5)))
    }
}

impl GrantsCache {
    pub async fn get(&self, db: &impl ConnectionTrait, user_id: i64) -> Result<Arc<Grants>, DbErr> {
        if let Some(g) = self.0.get(&user_id) {
            return Ok(g);
        }
        let generation = self.0.generation();
        let grants = Arc::new(Grants::load(db, user_id).await?);
        self.0.put(user_id, generation, grants.clone());
        Ok(grants)
    }

    /// Forgets every cached entry (call after committing a change to roles or user roles).
    pub fn invalidate(&self) {
        self.0.invalidate();
    }

    /// Wakes on every invalidation.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.0.subscribe()
    }
}

/// A session row with its user, cached per session id for a second or two. Anything that
/// revokes sessions or changes a user invalidates it, so within this process a revocation is
/// effective on the next request; the short lifetime bounds staleness for changes made
/// elsewhere (another replica, `kubarr admin reset-password`).
pub type SessionCache = GenerationCache<
    String,
    (
        kubarr_db::entities::sessions::Model,
        kubarr_db::entities::users::Model,
    ),
>;

/// How long a cached session lives.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_die_on_invalidate_and_after_their_ttl() {
        let cache: GenerationCache<&str, u32> = GenerationCache::new(Duration::from_millis(50));
        let g = cache.generation();
        cache.put("a", g, Arc::new(1));
        assert_eq!(cache.get(&"a").as_deref(), Some(&1));
        cache.invalidate();
        assert!(cache.get(&"a").is_none());
        // A value loaded before an invalidation is never served.
        let stale = cache.generation();
        cache.invalidate();
        cache.put("b", stale, Arc::new(2));
        assert!(cache.get(&"b").is_none());
        cache.put("c", cache.generation(), Arc::new(3));
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&"c").is_none());
    }
}
