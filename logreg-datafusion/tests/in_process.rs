//! Fits of DataFusion tables in this process against the in-memory fits
//! of the same rows, and the errors of bad tables.

use crate::common::{Data, TempDir, max_relative_gap, params};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use logreg::chunked::ParquetLabel;
use logreg::solver::{Lbfgs, Newton, Sgd};
use logreg::{LogisticRegression, Multiclass};
use logreg_datafusion::{Error, TableFitter, fit_table};
use ndarray::Array1;

const FEATURES: [&str; 4] = ["x0", "x1", "x2", "x3"];

async fn parquet_table(dir: &std::path::Path, partitions: usize) -> SessionContext {
    let config = SessionConfig::new().with_target_partitions(partitions);
    let ctx = SessionContext::new_with_config(config);
    ctx.register_parquet("t", dir.to_str().unwrap(), ParquetReadOptions::default())
        .await
        .expect("the Parquet files registered");
    ctx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_fits_equal_the_in_memory_fits_and_repeat_bit_for_bit() {
    let data = Data::new(20_000, 4, 7);
    let dir = TempDir::new("in-process");
    data.write_parquet(&dir.0, 6, 2);
    let ctx = parquet_table(&dir.0, 4).await;
    let x = data.x.view();

    // Binary, string labels, weighted, Newton: the in-memory optimum.
    let settings = LogisticRegression::new()
        .solver(Newton::new())
        .tol(1e-10)
        .c(0.5);
    let fitter = TableFitter::new("flag")
        .weight_column("w")
        .features(&FEATURES);
    let fit = fitter
        .fit(&ctx, "t", &settings)
        .await
        .expect("a binary fit");
    let flags: Vec<ParquetLabel> = data
        .flag
        .iter()
        .map(|f| ParquetLabel::Text(f.clone()))
        .collect();
    let reference = settings
        .fit_weighted(&x, &Array1::from(flags), &data.weight)
        .expect("the in-memory fit");
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-10, "binary Newton: relative gap {gap:e}");
    assert_eq!(fit.model.classes(), reference.classes());
    assert_eq!(fit.features, FEATURES);
    assert!(fit.model.report().converged());
    assert!(fit.partitions >= 2, "{} partitions", fit.partitions);
    assert_eq!(fit.executors, [std::process::id()]);
    // The first pass, then at least one evaluation per iteration.
    assert!(
        fit.queries > fit.model.report().iterations,
        "{} queries",
        fit.queries
    );
    let again = fitter.fit(&ctx, "t", &settings).await.expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );

    // Multinomial, integer labels, standardized, Newton and L-BFGS.
    let settings = LogisticRegression::new()
        .solver(Newton::new())
        .multiclass(Multiclass::Multinomial)
        .standardize(true)
        .tol(1e-10);
    let fit = fit_table(&ctx, "t", "class", &settings)
        .await
        .expect("a multinomial fit");
    assert_eq!(
        fit.features,
        ["x0", "x1", "x2", "x3", "w"],
        "every other numeric column"
    );
    let mut all = data.x.clone();
    all.push_column(data.weight.view()).unwrap();
    let reference = settings.fit(&all, &data.class).expect("the in-memory fit");
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    assert!(gap < 1e-10, "multinomial Newton: relative gap {gap:e}");
    assert_eq!(fit.model.classes(), [0, 1, 2].map(ParquetLabel::Int));

    let lbfgs = settings
        .clone()
        .solver(Lbfgs::new())
        .tol(1e-8)
        .max_iter(500);
    let fit = fit_table(&ctx, "t", "class", &lbfgs)
        .await
        .expect("an L-BFGS fit");
    assert!(fit.model.report().converged());
    let gap = max_relative_gap(&params(&fit.model), &params(&reference));
    // max |∇| ≤ 1e-8 of a mean loss whose Hessian's smallest eigenvalue
    // is ≳ 1e-2 here puts the parameters within ~1e-6 of the optimum.
    assert!(gap < 1e-5, "multinomial L-BFGS: relative gap {gap:e}");
    let again = fit_table(&ctx, "t", "class", &lbfgs)
        .await
        .expect("a repeat");
    assert_eq!(
        params(&again.model),
        params(&fit.model),
        "bit-identical repeat"
    );

    // Other partitionings agree to rounding.
    let ctx1 = parquet_table(&dir.0, 1).await;
    let one = fit_table(&ctx1, "t", "class", &settings)
        .await
        .expect("one partition");
    assert_eq!(one.partitions, 1);
    let gap = max_relative_gap(&params(&one.model), &params(&reference));
    assert!(gap < 1e-10, "one partition: relative gap {gap:e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tables_and_settings_give_typed_errors() {
    let ctx = SessionContext::new();
    ctx.sql(
        "CREATE TABLE t (a DOUBLE, b DOUBLE, f DOUBLE, s VARCHAR, one INT, y INT) AS VALUES \
         (0.0, 1.0, 0.5, 'p', 1, 0), (1.0, NULL, 1.5, 'q', 1, 1), (2.0, 0.0, 0.5, 'r', 1, 0), \
         (3.0, 1.0, 2.5, 's', 1, 1)",
    )
    .await
    .unwrap();
    ctx.sql("CREATE TABLE empty (a DOUBLE, y INT)")
        .await
        .unwrap();
    ctx.sql("CREATE TABLE inf (a DOUBLE, y INT) AS VALUES (1.0, 0), ('inf'::double, 1)")
        .await
        .unwrap();
    let settings = LogisticRegression::new();
    let fit = |fitter: TableFitter, table: &'static str| {
        let ctx = ctx.clone();
        let settings = settings.clone();
        async move { fitter.fit(&ctx, table, &settings).await }
    };
    let column = |e: Error| match e {
        Error::Column { column, .. } => column,
        other => panic!("expected a column error, got {other:?}"),
    };
    assert_eq!(
        column(fit(TableFitter::new("nope"), "t").await.unwrap_err()),
        "nope"
    );
    assert_eq!(
        column(fit(TableFitter::new("f"), "t").await.unwrap_err()),
        "f",
        "float labels"
    );
    let e = fit(TableFitter::new("y").features(&["a", "s"]), "t")
        .await
        .unwrap_err();
    assert_eq!(column(e), "s", "a string feature");
    let e = fit(TableFitter::new("y").weight_column("zz"), "t")
        .await
        .unwrap_err();
    assert_eq!(column(e), "zz");
    assert!(matches!(
        fit(TableFitter::new("nope"), "no_table").await.unwrap_err(),
        Error::Engine(_)
    ));
    // A null in a feature: the worker's typed error, naming the column.
    let e = fit(TableFitter::new("y").features(&["a", "b"]), "t")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Fit(logreg::Error::ChunkData { column, problem, .. })
            if column == "b" && problem.contains("null")),
        "{e:?}"
    );
    let e = fit(TableFitter::new("y").features(&["a"]), "inf")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Fit(logreg::Error::ChunkData { .. })),
        "{e:?}"
    );
    let e = fit(TableFitter::new("one").features(&["a"]), "t")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Fit(logreg::Error::TooFewClasses { .. })),
        "{e:?}"
    );
    let e = fit(TableFitter::new("y"), "empty").await.unwrap_err();
    assert!(matches!(&e, Error::Fit(logreg::Error::EmptyData)), "{e:?}");
    let sgd = LogisticRegression::new().solver(Sgd::new());
    let e = TableFitter::new("y")
        .features(&["a"])
        .fit(&ctx, "t", &sgd)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Fit(logreg::Error::InvalidParameter { .. })),
        "{e:?}"
    );
}
