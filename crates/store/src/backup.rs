//! Backup and restore: a logical copy of every table, taken in one snapshot, that restores into
//! an empty database of either kind (so a deployment can move from SQLite to PostgreSQL).
//!
//! Written by hand over sqlx rather than with `pg_dump` / SQLite's backup API: neither reads or
//! writes the other database, and the copy must go both ways. Tables and columns are read from
//! the database's own catalogue, so a table added by a later migration is copied without a change
//! here. Values are integers, texts, bytes (hex) or null, each column keeping its kind so that a
//! null binds with the right type on PostgreSQL.

use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

use crate::{Error, Result, Store};

/// What a backup file says it is.
pub const FORMAT: &str = "baocao-sao-luu";

/// The whole database, table by table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    /// The number of migrations applied to the database it came from.
    pub schema_version: i64,
    pub tables: Vec<Table>,
}

/// One table: its columns and every row, ordered by the first column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// The kinds of value the schema uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Text,
    Bytes,
    Real,
}

/// One value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Bytes { hex: String },
}

fn kind_of(declared: &str) -> Kind {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        Kind::Integer
    } else if t.contains("blob") || t.contains("bytea") {
        Kind::Bytes
    } else if t.contains("real") || t.contains("double") || t.contains("float") {
        Kind::Real
    } else {
        Kind::Text
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>> {
    let bad = || Error::Corrupt("giá trị nhị phân (hex) trong bản sao lưu không hợp lệ".into());
    if !s.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(bad)
        })
        .collect()
}

/// A name from the catalogue, checked before it goes into a statement (names cannot be bound).
fn ident(name: &str) -> Result<String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(format!("\"{name}\""))
    } else {
        Err(Error::Corrupt(format!(
            "tên bảng hoặc cột “{name}” không hợp lệ"
        )))
    }
}

impl Store {
    async fn tables(&self, tx: &mut Transaction<'_, Any>) -> Result<Vec<(String, Vec<Column>)>> {
        let names: Vec<String> = if self.postgres {
            sqlx::query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
        } else {
            sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
        }
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("name"))
        .collect::<std::result::Result<_, _>>()?;
        let names: Vec<String> = names
            .into_iter()
            .filter(|n| n != "schema_version")
            .collect();
        // Restored in an order where every table comes after those it references: repeatedly
        // the tables whose references are all placed, by name (deterministic).
        let mut refs: Vec<(String, Vec<String>)> = Vec::new();
        for name in &names {
            let rows = if self.postgres {
                sqlx::query(
                    "SELECT ccu.table_name::text AS r FROM information_schema.table_constraints tc \
                     JOIN information_schema.constraint_column_usage ccu \
                     ON tc.constraint_name = ccu.constraint_name \
                     AND tc.table_schema = ccu.table_schema \
                     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = $1 \
                     AND tc.table_schema = current_schema()",
                )
                .bind(name)
                .fetch_all(&mut **tx)
                .await?
            } else {
                sqlx::query("SELECT \"table\" AS r FROM pragma_foreign_key_list($1)")
                    .bind(name)
                    .fetch_all(&mut **tx)
                    .await?
            };
            let mut r = Vec::new();
            for row in rows {
                let t: String = row.try_get("r")?;
                if t != *name {
                    r.push(t);
                }
            }
            refs.push((name.clone(), r));
        }
        let mut names: Vec<String> = Vec::new();
        while !refs.is_empty() {
            let mut ready: Vec<String> = refs
                .iter()
                .filter(|(_, r)| {
                    r.iter()
                        .all(|x| names.contains(x) || !refs.iter().any(|(n, _)| n == x))
                })
                .map(|(n, _)| n.clone())
                .collect();
            if ready.is_empty() {
                // A cycle of references (none in our schema): the rest by name.
                ready = refs.iter().map(|(n, _)| n.clone()).collect();
            }
            ready.sort();
            refs.retain(|(n, _)| !ready.contains(n));
            names.extend(ready);
        }
        let mut out = Vec::new();
        for name in names {
            let rows = if self.postgres {
                sqlx::query(
                    "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut **tx)
                .await?
            } else {
                sqlx::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(&name)
                    .fetch_all(&mut **tx)
                    .await?
            };
            let mut columns = Vec::new();
            for r in rows {
                columns.push(Column {
                    name: r.try_get("name")?,
                    kind: kind_of(&r.try_get::<String, _>("type")?),
                });
            }
            out.push((name, columns));
        }
        Ok(out)
    }

    async fn schema_version(&self, tx: &mut Transaction<'_, Any>) -> Result<i64> {
        let v: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM schema_version")
            .fetch_one(&mut **tx)
            .await?
            .try_get("v")?;
        Ok(v.unwrap_or(0))
    }

    /// Every table of the database, read in one transaction: a consistent copy while the server
    /// keeps running (SQLite in WAL mode and PostgreSQL both give a reader its snapshot).
    pub async fn backup(&self) -> Result<Backup> {
        let mut tx = self.write_or_read_snapshot().await?;
        let schema_version = self.schema_version(&mut tx).await?;
        let mut tables = Vec::new();
        for (name, columns) in self.tables(&mut tx).await? {
            let list = columns
                .iter()
                .map(|c| ident(&c.name))
                .collect::<Result<Vec<_>>>()?
                .join(", ");
            let first = columns
                .first()
                .map(|c| ident(&c.name))
                .transpose()?
                .unwrap_or_else(|| "1".into());
            let sql = format!("SELECT {list} FROM {} ORDER BY {first}", ident(&name)?);
            let mut rows = Vec::new();
            for r in sqlx::query(&sql).fetch_all(&mut *tx).await? {
                let mut row = Vec::with_capacity(columns.len());
                for (i, c) in columns.iter().enumerate() {
                    row.push(match c.kind {
                        Kind::Integer => r
                            .try_get::<Option<i64>, _>(i)?
                            .map_or(Cell::Null, Cell::Integer),
                        Kind::Real => r
                            .try_get::<Option<f64>, _>(i)?
                            .map_or(Cell::Null, Cell::Real),
                        Kind::Text => r
                            .try_get::<Option<String>, _>(i)?
                            .map_or(Cell::Null, Cell::Text),
                        Kind::Bytes => r
                            .try_get::<Option<Vec<u8>>, _>(i)?
                            .map_or(Cell::Null, |b| Cell::Bytes { hex: hex(&b) }),
                    });
                }
                rows.push(row);
            }
            tables.push(Table {
                name,
                columns,
                rows,
            });
        }
        tx.commit().await?;
        Ok(Backup {
            format: FORMAT.into(),
            schema_version,
            tables,
        })
    }

    /// A transaction that sees one snapshot of the database.
    async fn write_or_read_snapshot(&self) -> Result<Transaction<'_, Any>> {
        let mut tx = self.read.begin().await?;
        if self.postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Restores `b` into this database, which must be empty (migrated, no row in any table) and
    /// at the same schema version; all or nothing (one transaction).
    pub async fn restore(&self, b: &Backup) -> Result<()> {
        if b.format != FORMAT {
            return Err(Error::Restore(
                "tệp không phải bản sao lưu của baocao".into(),
            ));
        }
        let mut tx = self.write.begin().await?;
        let version = self.schema_version(&mut tx).await?;
        if b.schema_version != version {
            return Err(Error::Restore(format!(
                "bản sao lưu theo lược đồ số {}, cơ sở dữ liệu đích theo lược đồ số {version}: \
                 dùng bản baocao cùng phiên bản với bản sao lưu",
                b.schema_version
            )));
        }
        let here = self.tables(&mut tx).await?;
        for (name, _) in &here {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", ident(name)?))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if n > 0 {
                return Err(Error::Restore(format!(
                    "cơ sở dữ liệu đích không trống (bảng {name} có {n} dòng): chỉ phục hồi vào \
                     cơ sở dữ liệu mới"
                )));
            }
        }
        if !self.postgres {
            // References are checked at commit, when every table is back.
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await?;
        }
        for t in &b.tables {
            let Some((_, cols)) = here.iter().find(|(n, _)| *n == t.name) else {
                return Err(Error::Restore(format!(
                    "cơ sở dữ liệu đích không có bảng {}",
                    t.name
                )));
            };
            if cols
                .iter()
                .map(|c| &c.name)
                .ne(t.columns.iter().map(|c| &c.name))
            {
                return Err(Error::Restore(format!(
                    "các cột của bảng {} khác với bản sao lưu",
                    t.name
                )));
            }
            let names = t
                .columns
                .iter()
                .map(|c| ident(&c.name))
                .collect::<Result<Vec<_>>>()?
                .join(", ");
            let params = (1..=t.columns.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let identity = if self.postgres {
                sqlx::query(
                    "SELECT column_name::text AS name FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     AND is_identity = 'YES'",
                )
                .bind(&t.name)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("name"))
                .collect::<std::result::Result<Vec<_>, _>>()?
            } else {
                Vec::new()
            };
            let overriding = if identity.is_empty() {
                ""
            } else {
                " OVERRIDING SYSTEM VALUE"
            };
            let sql = format!(
                "INSERT INTO {} ({names}){overriding} VALUES ({params})",
                ident(&t.name)?
            );
            for row in &t.rows {
                if row.len() != t.columns.len() {
                    return Err(Error::Corrupt(format!(
                        "một dòng của bảng {} không đủ cột",
                        t.name
                    )));
                }
                let mut q = sqlx::query(&sql);
                for (cell, c) in row.iter().zip(&t.columns) {
                    q = match (cell, c.kind) {
                        (Cell::Null, Kind::Integer) => q.bind(None::<i64>),
                        (Cell::Null, Kind::Real) => q.bind(None::<f64>),
                        (Cell::Null, Kind::Bytes) => q.bind(None::<Vec<u8>>),
                        (Cell::Null, Kind::Text) => q.bind(None::<String>),
                        (Cell::Integer(n), _) => q.bind(*n),
                        (Cell::Real(x), _) => q.bind(*x),
                        (Cell::Text(s), _) => q.bind(s.clone()),
                        (Cell::Bytes { hex }, _) => q.bind(unhex(hex)?),
                    };
                }
                q.execute(&mut *tx).await?;
            }
            // Identity columns continue after the restored ids.
            for col in identity {
                let (t_, c_) = (ident(&t.name)?, ident(&col)?);
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{}', '{col}'), \
                     COALESCE((SELECT MAX({c_}) FROM {t_}), 1), \
                     (SELECT MAX({c_}) FROM {t_}) IS NOT NULL)",
                    t.name
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_bad_hex_is_refused() {
        let b = vec![0u8, 1, 0xab, 0xff];
        assert_eq!(unhex(&hex(&b)).unwrap(), b);
        assert!(unhex("abc").is_err());
        assert!(unhex("zz").is_err());
    }

    #[test]
    fn names_outside_the_schema_alphabet_are_refused() {
        assert_eq!(ident("audit").unwrap(), "\"audit\"");
        assert!(ident("a\"; DROP TABLE users; --").is_err());
        assert!(ident("").is_err());
    }

    #[test]
    fn cells_keep_their_kind_through_json() {
        let row = vec![
            Cell::Null,
            Cell::Integer(-5),
            Cell::Text("Hà Giang".into()),
            Cell::Text("12".into()),
            Cell::Bytes { hex: "00ff".into() },
        ];
        let back: Vec<Cell> = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        assert_eq!(back, row);
    }
}
