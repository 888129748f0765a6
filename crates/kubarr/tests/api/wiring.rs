//! Stack wiring on the orchestrator's fakes, against contract doubles of the arr apps
//! (`kubarr-doubles`) and the real download clients on 127.0.0.1: links reach `ok` only when the
//! apps' own tests pass, drift is found and repaired, objects users made are left alone, and
//! links go when an app does.

mod access;
mod bench;
mod drift;
mod links;
mod media_server;
mod proxy;
mod requests;
mod stack;
mod subtitles;
