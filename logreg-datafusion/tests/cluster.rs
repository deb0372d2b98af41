//! A Ballista cluster of real processes on 127.0.0.1 (a `logreg-scheduler`
//! and two `logreg-executor`s, started here and killed on drop, also when
//! a test fails): exact, repeatable fits whose partial sums both executors
//! computed, and an executor killed in the middle of a fit.

use crate::common::{Data, TempDir, max_relative_gap, params};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use logreg::chunked::ParquetLabel;
use logreg::solver::{Lbfgs, Newton};
use logreg::{LogisticRegression, Multiclass};
use logreg_datafusion::{Error, TableFitter};
use ndarray::Array1;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FEATURES: [&str; 6] = ["x0", "x1", "x2", "x3", "x4", "x5"];

/// A port free at the time of asking.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The processes of a cluster, killed on drop.
struct Cluster {
    processes: Vec<(String, Child, PathBuf)>,
    scheduler_port: u16,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for (_, child, _) in &mut self.processes {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cluster {
    fn start(dir: &Path, executors: usize) -> Self {
        let scheduler_port = free_port();
        let mut cluster = Cluster {
            processes: Vec::new(),
            scheduler_port,
        };
        let port = scheduler_port.to_string();
        cluster.spawn(
            dir,
            "scheduler",
            env!("CARGO_BIN_EXE_logreg-scheduler"),
            &[
                "--bind-host",
                "127.0.0.1",
                "--external-host",
                "127.0.0.1",
                "--bind-port",
                &port,
                // Notice a lost executor within seconds, not minutes.
                "--executor-timeout-seconds",
                "6",
                "--expire-dead-executor-interval-seconds",
                "1",
            ],
        );
        wait_for(&format!("the scheduler on port {port}"), || {
            TcpStream::connect(("127.0.0.1", scheduler_port)).is_ok()
        });
        for e in 0..executors {
            let work = dir.join(format!("work-{e}"));
            std::fs::create_dir_all(&work).expect("a work directory");
            let health = free_port();
            cluster.spawn(
                dir,
                &format!("executor-{e}"),
                env!("CARGO_BIN_EXE_logreg-executor"),
                &[
                    "--scheduler-host",
                    "127.0.0.1",
                    "--scheduler-port",
                    &port,
                    "--bind-host",
                    "127.0.0.1",
                    "--external-host",
                    "127.0.0.1",
                    "--bind-port",
                    &free_port().to_string(),
                    "--bind-grpc-port",
                    &free_port().to_string(),
                    "--bind-health-port",
                    &health.to_string(),
                    "--work-dir",
                    work.to_str().unwrap(),
                    "--concurrent-tasks",
                    "2",
                    "--executor-heartbeat-interval-seconds",
                    "1",
                ],
            );
            wait_for(&format!("executor {e} ready"), || ready(health));
        }
        cluster
    }

    fn spawn(&mut self, dir: &Path, name: &str, binary: &str, args: &[&str]) {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let child = Command::new(binary)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("{name} did not start: {e}"));
        self.processes.push((name.to_string(), child, log));
    }

    fn pid(&self, name: &str) -> u32 {
        self.processes
            .iter()
            .find(|(n, ..)| n == name)
            .map(|(_, c, _)| c.id())
            .expect("a process of that name")
    }

    fn kill(&mut self, name: &str) {
        if let Some((_, child, _)) = self.processes.iter_mut().find(|(n, ..)| n == name) {
            child.kill().expect("the process killed");
            let _ = child.wait();
        }
    }

    /// The processes' logs, for a failing assertion's message.
    fn logs(&self) -> String {
        self.processes
            .iter()
            .map(|(name, _, log)| {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                format!(
                    "--- {name}:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    async fn context(&self, partitions: usize) -> SessionContext {
        let config = SessionConfig::new_with_ballista().with_target_partitions(partitions);
        let state = SessionStateBuilder::new()
            .with_default_features()
            .with_config(config)
            .build();
        let url = format!("df://127.0.0.1:{}", self.scheduler_port);
        SessionContext::remote_with_state(&url, state)
            .await
            .expect("a Ballista context")
    }
}

/// Whether an executor's health server says it is registered.
fn ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = "GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut answer = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut answer).is_ok()
        && answer
            .lines()
            .next()
            .is_some_and(|status| status.split_whitespace().nth(1) == Some("200"))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what}: not within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballista_cluster_fits_exactly_and_survives_or_reports_a_lost_executor() {
    let dir = TempDir::new("cluster");
    // 200,000 rows in 8 files of 2 row groups each.
    let data = Data::new(200_000, FEATURES.len(), 11);
    data.write_parquet(&dir.0.join("data"), 8, 2);
    let mut cluster = Cluster::start(&dir.0, 2);
    let ctx = cluster.context(8).await;
    ctx.register_parquet(
        "t",
        dir.0.join("data").to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .expect("the Parquet set registered");
    let fitter = TableFitter::new("class")
        .features(&FEATURES)
        .query_timeout(Duration::from_secs(60));
    let x = data.x.view();
    let executors = {
        let mut pids = vec![cluster.pid("executor-0"), cluster.pid("executor-1")];
        pids.sort_unstable();
        pids
    };

    // Multinomial, Newton: the in-memory optimum, twice, bit for bit.
    let newton = LogisticRegression::new()
        .solver(Newton::new())
        .multiclass(Multiclass::Multinomial)
        .tol(1e-10);
    let started = Instant::now();
    let fit = fitter
        .fit(&ctx, "t", &newton)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs()));
    let fit_time = started.elapsed();
    let reference = newton.fit(&x, &data.class).expect("the in-memory fit");
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-10, "multinomial Newton: relative gap {gap:e}");
    assert_eq!(
        fit.executors, executors,
        "both executors computed partial sums"
    );
    assert!(fit.partitions >= 2);
    let again = fitter.fit(&ctx, "t", &newton).await.expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );

    // Multinomial, L-BFGS, within what its tolerance implies.
    let lbfgs = newton.clone().solver(Lbfgs::new()).tol(1e-8).max_iter(500);
    let fit = fitter.fit(&ctx, "t", &lbfgs).await.expect("an L-BFGS fit");
    assert!(fit.model.report().converged());
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-5, "multinomial L-BFGS: relative gap {gap:e}");
    let again = fitter.fit(&ctx, "t", &lbfgs).await.expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );

    // Binary on string labels, weighted, Newton and L-BFGS.
    let binary = TableFitter::new("flag")
        .weight_column("w")
        .features(&FEATURES)
        .query_timeout(Duration::from_secs(60));
    let flags: Array1<ParquetLabel> = data
        .flag
        .iter()
        .map(|f| ParquetLabel::Text(f.clone()))
        .collect();
    let newton = LogisticRegression::new().solver(Newton::new()).tol(1e-10);
    let reference = newton
        .fit_weighted(&x, &flags, &data.weight)
        .expect("the in-memory fit");
    let fit = binary.fit(&ctx, "t", &newton).await.expect("a binary fit");
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-10, "binary Newton: relative gap {gap:e}");
    let again = binary.fit(&ctx, "t", &newton).await.expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );
    let lbfgs = newton.clone().solver(Lbfgs::new()).tol(1e-8).max_iter(500);
    let fit = binary
        .fit(&ctx, "t", &lbfgs)
        .await
        .expect("a binary L-BFGS fit");
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-5, "binary L-BFGS: relative gap {gap:e}");
    let again = binary.fit(&ctx, "t", &lbfgs).await.expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );

    // An executor killed part way through a multinomial Newton fit: the
    // same coefficients (the cluster reran its tasks) or a typed error,
    // within a bound.
    let newton = newton.multiclass(Multiclass::Multinomial);
    let expected = fitter
        .fit(&ctx, "t", &newton)
        .await
        .expect("the fit to compare");
    // Killed a quarter of the way through, as timed by the fit above; a
    // repeat can run faster (warm caches), so a fit that is already done
    // is started again with half the delay.
    let mut delay = fit_time / 4;
    let running = loop {
        let ctx = ctx.clone();
        let fitter = fitter.clone();
        let newton = newton.clone();
        let running = tokio::spawn(async move { fitter.fit(&ctx, "t", &newton).await });
        tokio::time::sleep(delay).await;
        if !running.is_finished() {
            break running;
        }
        delay /= 2;
        assert!(
            delay >= Duration::from_millis(5),
            "the fit always finished before the executor could be killed"
        );
    };
    cluster.kill("executor-1");
    let outcome = tokio::time::timeout(Duration::from_secs(240), running)
        .await
        .unwrap_or_else(|_| panic!("the fit hung after an executor died\n{}", cluster.logs()))
        .expect("the fit's task");
    match outcome {
        Ok(fit) => {
            assert_eq!(
                params(&fit.model),
                params(&expected.model),
                "a fit that survives a lost executor has the same coefficients"
            );
            eprintln!(
                "the fit survived the lost executor ({} queries)",
                fit.queries
            );
        }
        Err(e) => {
            assert!(
                matches!(e, Error::Engine(_) | Error::Timeout { .. }),
                "{e:?}"
            );
            eprintln!("the fit reported the lost executor: {e}");
        }
    }
}
