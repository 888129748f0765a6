//! App catalog and lifecycle through the API, against the local test cluster and real helm.

mod catalog;
mod every_app;
mod input;
mod lifecycle;
mod permissions;
