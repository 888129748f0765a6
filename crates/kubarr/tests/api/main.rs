//! In-process tests of the real router against a fresh database (SQLite, or PostgreSQL when
//! `KUBARR_TEST_DATABASE_URL` is set). One binary, so there is a single link step.

mod helpers;

mod cli;
mod errors;
mod health;
mod openapi;
mod spa;
