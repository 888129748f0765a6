//! Column builders used by every migration, so that types stay identical across tables and
//! behave the same on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

/// `bigint` auto-increment primary key (`bigserial` on PostgreSQL, `integer` rowid alias on SQLite).
pub fn id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A `bigint` reference to another table's id.
pub fn big(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

/// A nullable `bigint` reference.
pub fn big_null(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().to_owned()
}

pub fn text(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).string().not_null().to_owned()
}

pub fn text_null(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).string().null().to_owned()
}

/// Unbounded text (long values such as encrypted blobs or messages).
pub fn long_text_null(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}

pub fn flag(name: impl IntoIden, default: bool) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

pub fn int(name: impl IntoIden, default: i32) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .default(default)
        .to_owned()
}

/// Timestamp with time zone (`timestamptz` on PostgreSQL; RFC 3339 text on SQLite).
pub fn ts(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn ts_null(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// JSON document (`jsonb` on PostgreSQL, text on SQLite).
pub fn json_null(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).json_binary().null().to_owned()
}

pub fn json(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).json_binary().not_null().to_owned()
}

/// Foreign key `from_table.from_col → to_table.id`.
pub fn fk(
    from_table: impl IntoIden + Clone + 'static,
    from_col: impl IntoIden + 'static,
    to_table: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A plain (non-unique) index.
pub fn index(
    table: impl IntoIden + Clone + 'static,
    name: &str,
    cols: &[&str],
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(Alias::new(*c));
    }
    idx.to_owned()
}

/// A unique index.
pub fn unique(
    table: impl IntoIden + Clone + 'static,
    name: &str,
    cols: &[&str],
) -> IndexCreateStatement {
    let mut idx = index(table, name, cols);
    idx.unique();
    idx
}
