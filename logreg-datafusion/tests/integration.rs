//! The member's tests, one binary (each test binary links DataFusion).

mod common;

mod cluster;
mod in_process;
