//! Shared test helpers and data.
#![allow(dead_code)]

pub mod data;
