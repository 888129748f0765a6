//! App catalog and lifecycle through the API: on the in-process fakes (fast tier), and against
//! the local test cluster and the real helm (cluster tier, `#[ignore = "cluster tier"]`).

mod catalog;
mod credentials;
mod every_app;
mod input;
mod lifecycle;
mod permissions;
mod state_machine;
