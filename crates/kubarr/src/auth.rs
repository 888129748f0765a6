//! Authentication and authorization.

pub mod password;
