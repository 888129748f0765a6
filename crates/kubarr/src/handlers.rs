//! Request handlers, one module per resource.

pub mod health;
