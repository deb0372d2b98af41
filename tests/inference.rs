//! Summary statistics equal statsmodels' `Logit` and `MNLogit` (reference
//! values and how they were made: tests/common/reference_values.rs).

use crate::common;

use common::data::{anes96, correlated, spector};
use common::reference_values::*;
use common::{assert_close, assert_close_scalar};
use logreg::{Error, LogisticRegression, Multiclass, Penalty, Summary};
use ndarray::{Array1, Array2, arr1, arr2, s};

fn mle() -> LogisticRegression<f64> {
    LogisticRegression::new().penalty(Penalty::None).tol(1e-12)
}

struct Logit<'a> {
    params: &'a [f64],
    bse: &'a [f64],
    z: &'a [f64],
    p: &'a [f64],
    ci_low: &'a [f64],
    ci_high: &'a [f64],
    scalars: [(f64, &'static str); 6],
    /// The LR p-value from statsmodels' llf and the exact null likelihood.
    llr_p_value: f64,
    /// statsmodels' own LR p-value, from its iteratively fitted null model,
    /// and the relative tolerance against it.
    statsmodels_llr_p_value: (f64, f64),
}

fn check_logit(summary: &Summary<f64>, reference: &Logit) {
    let row = |a: &Array2<f64>| a.row(0).to_owned();
    assert_close(
        &row(summary.params()),
        &arr1(reference.params),
        1e-7,
        1e-3,
        "params",
    );
    assert_close(
        &row(summary.std_errors()),
        &arr1(reference.bse),
        1e-6,
        0.0,
        "std errors",
    );
    assert_close(
        &row(&summary.z_values()),
        &arr1(reference.z),
        1e-6,
        0.0,
        "z",
    );
    assert_close(
        &row(&summary.p_values()),
        &arr1(reference.p),
        1e-6,
        0.0,
        "p-values",
    );
    let (low, high) = summary.conf_int(0.95).unwrap();
    assert_close(&row(&low), &arr1(reference.ci_low), 1e-6, 0.0, "CI low");
    assert_close(&row(&high), &arr1(reference.ci_high), 1e-6, 0.0, "CI high");
    let ours = [
        summary.log_likelihood(),
        summary.null_log_likelihood(),
        summary.llr(),
        summary.aic(),
        summary.bic(),
        summary.pseudo_r2(),
    ];
    for (value, (expected, name)) in ours.into_iter().zip(reference.scalars) {
        assert_close_scalar(value, expected, 1e-8, name);
    }
    // statsmodels fits its null model iteratively, ~1e-10 relative off the
    // closed form; deep in the χ² tail that moves its p-value by up to ~4e-8.
    assert_close_scalar(
        summary.llr_p_value(),
        reference.llr_p_value,
        1e-8,
        "llr p-value",
    );
    assert_close_scalar(
        summary.llr_p_value(),
        reference.statsmodels_llr_p_value.0,
        reference.statsmodels_llr_p_value.1,
        "llr p-value (statsmodels)",
    );
}

#[test]
fn spector_summary_matches_statsmodels_logit() {
    let (x, y) = spector();
    let model = mle().fit(&x, &y).unwrap();
    let summary = model.summary(&x, &y).unwrap();
    assert!(!summary.penalized());
    assert_eq!(
        (summary.n_obs(), summary.df_model(), summary.df_resid()),
        (32, 3, 28)
    );
    check_logit(
        &summary,
        &Logit {
            params: &SPECTOR_PARAMS,
            bse: &SPECTOR_BSE,
            z: &SPECTOR_Z,
            p: &SPECTOR_P,
            ci_low: &SPECTOR_CI_LOW,
            ci_high: &SPECTOR_CI_HIGH,
            scalars: [
                (SPECTOR_LLF, "llf"),
                (SPECTOR_LLNULL, "llnull"),
                (SPECTOR_LLR, "llr"),
                (SPECTOR_AIC, "aic"),
                (SPECTOR_BIC, "bic"),
                (SPECTOR_PRSQUARED, "pseudo R²"),
            ],
            llr_p_value: SPECTOR_LLR_PVALUE_EXACT_NULL,
            statsmodels_llr_p_value: (SPECTOR_LLR_PVALUE, 1e-8),
        },
    );
    let odds = summary.odds_ratios();
    assert_close(
        &odds.row(0).to_owned(),
        &arr1(&SPECTOR_PARAMS).mapv(f64::exp),
        1e-7,
        0.0,
        "odds",
    );
}

#[test]
fn correlated_summary_matches_statsmodels_logit() {
    let (x, y) = correlated();
    let summary = mle().fit(&x, &y).unwrap().summary(&x, &y).unwrap();
    check_logit(
        &summary,
        &Logit {
            params: &CORRELATED_PARAMS,
            bse: &CORRELATED_BSE,
            z: &CORRELATED_Z,
            p: &CORRELATED_P,
            ci_low: &CORRELATED_CI_LOW,
            ci_high: &CORRELATED_CI_HIGH,
            scalars: [
                (CORRELATED_LLF, "llf"),
                (CORRELATED_LLNULL, "llnull"),
                (CORRELATED_LLR, "llr"),
                (CORRELATED_AIC, "aic"),
                (CORRELATED_BIC, "bic"),
                (CORRELATED_PRSQUARED, "pseudo R²"),
            ],
            llr_p_value: CORRELATED_LLR_PVALUE_EXACT_NULL,
            // 2e-37 deep in the tail, statsmodels' null fit moves it by 4e-8.
            statsmodels_llr_p_value: (CORRELATED_LLR_PVALUE, 1e-7),
        },
    );
}

#[test]
fn multinomial_summary_matches_statsmodels_mnlogit() {
    let (x, y) = anes96();
    let model = mle().fit(&x, &y).unwrap();
    assert!(model.report().converged());
    assert!(model.diagnostics().is_empty(), "{:?}", model.diagnostics());
    let summary = model.summary(&x, &y).unwrap();
    assert_eq!(summary.params().dim(), (6, 6));
    assert_close(
        summary.params(),
        &arr2(&MNLOGIT_PARAMS),
        1e-6,
        1e-3,
        "params",
    );
    assert_close(
        summary.std_errors(),
        &arr2(&MNLOGIT_BSE),
        1e-6,
        0.0,
        "std errors",
    );
    assert_close(&summary.z_values(), &arr2(&MNLOGIT_Z), 1e-6, 0.0, "z");
    assert_close(
        &summary.p_values(),
        &arr2(&MNLOGIT_P),
        1e-6,
        0.0,
        "p-values",
    );
    for (value, expected, name) in [
        (summary.log_likelihood(), MNLOGIT_LLF, "llf"),
        (summary.null_log_likelihood(), MNLOGIT_LLNULL, "llnull"),
        (
            summary.llr_p_value(),
            MNLOGIT_LLR_PVALUE_EXACT_NULL,
            "llr p-value",
        ),
        (summary.aic(), MNLOGIT_AIC, "aic"),
        (summary.bic(), MNLOGIT_BIC, "bic"),
        (summary.pseudo_r2(), MNLOGIT_PRSQUARED, "pseudo R²"),
    ] {
        assert_close_scalar(value, expected, 1e-8, name);
    }
    // statsmodels' own p-value, from its iterative null fit, 1e-100 deep in the tail.
    assert_close_scalar(
        summary.llr_p_value(),
        MNLOGIT_LLR_PVALUE,
        1e-5,
        "llr p-value (statsmodels)",
    );
}

#[test]
fn the_table_names_features_and_flags_penalized_fits() {
    let (x, y) = spector();
    let penalized = LogisticRegression::new().fit(&x, &y).unwrap();
    let summary = penalized.summary(&x, &y).unwrap();
    assert!(summary.penalized());
    let table = summary
        .with_feature_names(["gpa", "tuce", "psi"])
        .unwrap()
        .to_string();
    for needle in [
        "gpa",
        "tuce",
        "psi",
        "intercept",
        "std err",
        "P>|z|",
        "Penalized fit",
    ] {
        assert!(table.contains(needle), "{needle} missing from\n{table}");
    }
    let unpenalized = mle()
        .fit(&x, &y)
        .unwrap()
        .summary(&x, &y)
        .unwrap()
        .to_string();
    assert!(!unpenalized.contains("Penalized"));
    let error = mle()
        .fit(&x, &y)
        .unwrap()
        .summary(&x, &y)
        .unwrap()
        .with_feature_names(["only one"])
        .unwrap_err();
    assert!(matches!(
        error,
        Error::LengthMismatch {
            expected: 3,
            got: 1,
            ..
        }
    ));
}

#[test]
fn confidence_level_and_labels_are_checked() {
    let (x, y) = spector();
    let model = mle().fit(&x, &y).unwrap();
    let summary = model.summary(&x, &y).unwrap();
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            summary.conf_int(level),
            Err(Error::InvalidParameter { name: "level", .. })
        ));
    }
    let (low90, high90) = summary.conf_int(0.90).unwrap();
    let (low95, high95) = summary.conf_int(0.95).unwrap();
    assert!(low90.iter().zip(&low95).all(|(a, b)| a > b));
    assert!(high90.iter().zip(&high95).all(|(a, b)| a < b));
    let mut unknown = y.clone();
    unknown[4] = 7;
    assert_eq!(
        model.summary(&x, &unknown).unwrap_err(),
        Error::UnknownLabel { index: 4 }
    );
}

#[test]
fn separation_and_collinearity_are_typed_errors() {
    let x = ndarray::array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let y = ndarray::array![0, 0, 0, 1, 1, 1];
    let model = mle().fit(&x, &y).unwrap();
    assert_eq!(
        model.summary(&x, &y).unwrap_err(),
        Error::PerfectSeparation {
            features: vec![0],
            names: vec![]
        }
    );
    // A duplicated column: the information matrix is singular.
    let (x, y) = spector();
    let mut duplicated = Array2::zeros((x.nrows(), 4));
    duplicated.slice_mut(s![.., ..3]).assign(&x);
    duplicated.column_mut(3).assign(&x.column(1));
    let model = mle().fit(&duplicated, &y).unwrap();
    assert_eq!(
        model.summary(&duplicated, &y).unwrap_err(),
        Error::Collinear {
            features: vec![3],
            names: vec![]
        }
    );
    // A constant column duplicates the intercept.
    duplicated.column_mut(3).fill(2.5);
    let model = mle().fit(&duplicated, &y).unwrap();
    assert_eq!(
        model.summary(&duplicated, &y).unwrap_err(),
        Error::Collinear {
            features: vec![3],
            names: vec![]
        }
    );
    // Penalized, the same data give finite coefficients and a summary.
    let penalized = LogisticRegression::new().fit(&duplicated, &y).unwrap();
    assert!(penalized.coef().iter().all(|c| c.is_finite()));
    assert!(penalized.summary(&duplicated, &y).is_ok());
}

#[test]
fn one_vs_rest_has_one_summary_per_class() {
    let (x, y) = anes96();
    let model = mle().multiclass(Multiclass::OneVsRest).fit(&x, &y).unwrap();
    assert!(matches!(
        model.summary(&x, &y),
        Err(Error::InvalidParameter { .. })
    ));
    let summaries = model.summaries(&x, &y).unwrap();
    assert_eq!(summaries.len(), 7);
    // Each equals the binary fit of that class against the rest.
    for (c, summary) in summaries.iter().enumerate() {
        let labels: Array1<bool> = y.iter().map(|k| *k == model.classes()[c]).collect();
        let binary = mle()
            .fit(&x, &labels)
            .unwrap()
            .summary(&x, &labels)
            .unwrap();
        assert_close(summary.params(), binary.params(), 1e-9, 1e-6, "params");
        assert_close(
            summary.std_errors(),
            binary.std_errors(),
            1e-9,
            0.0,
            "std errors",
        );
    }
}

#[test]
fn weighted_summary_equals_repeated_rows() {
    let (x, y) = spector();
    let weights: Array1<f64> = (0..y.len()).map(|i| (1 + i % 3) as f64).collect();
    let weighted_model = mle().fit_weighted(&x, &y, &weights).unwrap();
    let weighted = weighted_model.summary_weighted(&x, &y, &weights).unwrap();
    let rows: Vec<usize> = (0..y.len())
        .flat_map(|i| std::iter::repeat_n(i, 1 + i % 3))
        .collect();
    let (xr, yr) = (
        x.select(ndarray::Axis(0), &rows),
        y.select(ndarray::Axis(0), &rows),
    );
    let repeated = mle().fit(&xr, &yr).unwrap().summary(&xr, &yr).unwrap();
    assert_close(weighted.params(), repeated.params(), 1e-9, 1e-6, "params");
    assert_close(
        weighted.std_errors(),
        repeated.std_errors(),
        1e-9,
        0.0,
        "std errors",
    );
    assert_close_scalar(
        weighted.log_likelihood(),
        repeated.log_likelihood(),
        1e-12,
        "llf",
    );
    assert_close_scalar(
        weighted.null_log_likelihood(),
        repeated.null_log_likelihood(),
        1e-12,
        "llnull",
    );
}
