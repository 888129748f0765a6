//! Database liveness.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Runs `SELECT 1`.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1",
    ))
    .await
    .map(|_| ())
}
