//! Ballista's scheduler with the logreg functions registered: the same
//! flags as `ballista-scheduler` (`--bind-host`, `--bind-port`, …; see
//! `--help`).

use ballista_core::error::BallistaError;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::{Config, SchedulerConfig};
use ballista_scheduler::scheduler_process::start_server;
use clap::Parser;
use datafusion::execution::FunctionRegistry;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

fn main() -> ballista_core::error::Result<()> {
    // Ballista's own binary runs on a 32 MiB stack: deep plans recurse.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
        .map_err(|e| BallistaError::General(e.to_string()))?;
    runtime.block_on(run())
}

async fn run() -> ballista_core::error::Result<()> {
    let opt = Config::parse();
    let filter = std::env::var(EnvFilter::DEFAULT_ENV).unwrap_or(opt.log_level_setting.clone());
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_env_filter(EnvFilter::new(filter))
        .init();
    let addr = format!("{}:{}", opt.bind_host, opt.bind_port)
        .parse()
        .map_err(|e: std::net::AddrParseError| BallistaError::Configuration(e.to_string()))?;
    let config: SchedulerConfig = opt.try_into()?;
    // Every session the scheduler plans in knows the logreg functions.
    let config = config.with_override_session_builder(Arc::new(|session_config| {
        let mut state = ballista_core::utils::default_session_builder(session_config)?;
        for f in logreg_datafusion::functions() {
            state.register_udaf(Arc::new(f))?;
        }
        Ok(state)
    }));
    let cluster = BallistaCluster::new_from_config(&config).await?;
    start_server(cluster, addr, Arc::new(config)).await
}
