//! Robust and cluster-robust covariances, average marginal effects and
//! prediction intervals against statsmodels 0.15 (`Logit`, `MNLogit`):
//! values in tests/inference_values.rs, written by
//! tests/reference/make_inference_reference.py (the MNLogit prediction
//! intervals there are the delta method built from statsmodels' covariance
//! and a complex-step Jacobian, since statsmodels has no `get_prediction`
//! for `MNLogit`).

use crate::common;
use crate::inference_values::*;

use common::assert_close;
use common::data::{anes96, read_csv, spector};
use logreg::{Covariance, Error, LogisticRegression, Penalty, Summary};
use ndarray::{Array1, Array2, ArrayView2, arr1, s};

/// Relative tolerance the issue asks for.
const TOL: f64 = 1e-6;

fn mle() -> LogisticRegression<f64> {
    LogisticRegression::new().penalty(Penalty::None).tol(1e-12)
}

/// tests/data/clustered.csv: 1,200 rows, 4 features, 30 clusters.
fn clustered() -> (Array2<f64>, Array1<i64>, Array1<i64>, Vec<usize>) {
    let text = include_str!("data/clustered.csv");
    let (x, y) = read_csv(text, &["x0", "x1", "x2", "x3"], "y");
    let (_, y3) = read_csv(text, &["x0"], "y3");
    let (_, group) = read_csv(text, &["x0"], "group");
    let parse = |v: Vec<String>| v.iter().map(|s| s.parse().expect("integer")).collect();
    let group: Vec<usize> = group.iter().map(|s| s.parse().expect("id")).collect();
    (x, parse(y), parse(y3), group)
}

fn groups(reference: &[f64]) -> Vec<usize> {
    reference.iter().map(|&g| g as usize).collect()
}

fn flat(a: &Array2<f64>) -> Array1<f64> {
    a.iter().copied().collect()
}

/// The reference values of one covariance type.
struct Case<'a> {
    bse: &'a [f64],
    margeff: &'a [f64],
    margeff_se: &'a [f64],
    predicted: &'a [f64],
    pred_se: &'a [f64],
    lower: &'a [f64],
    upper: &'a [f64],
}

fn check(summary: &Summary<f64>, x: ArrayView2<'_, f64>, case: &Case, what: &str) {
    assert_close(
        &flat(summary.std_errors()),
        &arr1(case.bse),
        TOL,
        0.0,
        &format!("{what} std errors"),
    );
    let margins = summary.marginal_effects(&x).unwrap();
    assert_close(
        &flat(margins.effects()),
        &arr1(case.margeff),
        TOL,
        1e-8,
        &format!("{what} marginal effects"),
    );
    assert_close(
        &flat(margins.std_errors()),
        &arr1(case.margeff_se),
        TOL,
        0.0,
        &format!("{what} marginal-effect std errors"),
    );
    let interval = summary
        .predict_interval(&x.slice(s![..6, ..]), 0.95)
        .unwrap();
    let pairs = [
        (interval.proba(), case.predicted, "proba"),
        (interval.std_errors(), case.pred_se, "prediction std errors"),
        (interval.lower(), case.lower, "lower"),
        (interval.upper(), case.upper, "upper"),
    ];
    for (ours, reference, name) in pairs {
        assert_close(
            &flat(ours),
            &arr1(reference),
            TOL,
            1e-12,
            &format!("{what} {name}"),
        );
    }
}

macro_rules! case {
    ($bse:ident, $me:ident, $mese:ident, $pp:ident, $pse:ident, $lo:ident, $hi:ident) => {
        Case {
            bse: $bse,
            margeff: $me,
            margeff_se: $mese,
            predicted: $pp,
            pred_se: $pse,
            lower: $lo,
            upper: $hi,
        }
    };
}

#[test]
fn spector_robust_and_clustered_match_statsmodels_logit() {
    let (x, y) = spector();
    let model = mle().fit(&x, &y).unwrap();
    assert_close(
        &flat(model.summary(&x, &y).unwrap().params()),
        &arr1(SPECTOR_PARAMS),
        1e-7,
        1e-3,
        "params",
    );
    let cases = [
        (
            Covariance::Nonrobust,
            case!(
                SPECTOR_NONROBUST_BSE,
                SPECTOR_NONROBUST_MARGEFF,
                SPECTOR_NONROBUST_MARGEFF_SE,
                SPECTOR_NONROBUST_PRED_PREDICTED,
                SPECTOR_NONROBUST_PRED_SE,
                SPECTOR_NONROBUST_PRED_CI_LOWER,
                SPECTOR_NONROBUST_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Hc0,
            case!(
                SPECTOR_HC0_BSE,
                SPECTOR_HC0_MARGEFF,
                SPECTOR_HC0_MARGEFF_SE,
                SPECTOR_HC0_PRED_PREDICTED,
                SPECTOR_HC0_PRED_SE,
                SPECTOR_HC0_PRED_CI_LOWER,
                SPECTOR_HC0_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Cluster(groups(SPECTOR_GROUPS)),
            case!(
                SPECTOR_CLUSTER_BSE,
                SPECTOR_CLUSTER_MARGEFF,
                SPECTOR_CLUSTER_MARGEFF_SE,
                SPECTOR_CLUSTER_PRED_PREDICTED,
                SPECTOR_CLUSTER_PRED_SE,
                SPECTOR_CLUSTER_PRED_CI_LOWER,
                SPECTOR_CLUSTER_PRED_CI_UPPER
            ),
        ),
    ];
    for (covariance, case) in cases {
        let name = format!("spector {covariance:?}");
        let summary = model.summary_with(&x, &y, covariance).unwrap();
        check(&summary, x.view(), &case, &name);
    }
}

#[test]
fn clustered_data_match_statsmodels_logit() {
    let (x, y, _, group) = clustered();
    assert_eq!(group, groups(CLUSTERED_GROUPS));
    let model = mle().fit(&x, &y).unwrap();
    let cases = [
        (
            Covariance::Nonrobust,
            case!(
                CLUSTERED_NONROBUST_BSE,
                CLUSTERED_NONROBUST_MARGEFF,
                CLUSTERED_NONROBUST_MARGEFF_SE,
                CLUSTERED_NONROBUST_PRED_PREDICTED,
                CLUSTERED_NONROBUST_PRED_SE,
                CLUSTERED_NONROBUST_PRED_CI_LOWER,
                CLUSTERED_NONROBUST_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Hc0,
            case!(
                CLUSTERED_HC0_BSE,
                CLUSTERED_HC0_MARGEFF,
                CLUSTERED_HC0_MARGEFF_SE,
                CLUSTERED_HC0_PRED_PREDICTED,
                CLUSTERED_HC0_PRED_SE,
                CLUSTERED_HC0_PRED_CI_LOWER,
                CLUSTERED_HC0_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Cluster(group),
            case!(
                CLUSTERED_CLUSTER_BSE,
                CLUSTERED_CLUSTER_MARGEFF,
                CLUSTERED_CLUSTER_MARGEFF_SE,
                CLUSTERED_CLUSTER_PRED_PREDICTED,
                CLUSTERED_CLUSTER_PRED_SE,
                CLUSTERED_CLUSTER_PRED_CI_LOWER,
                CLUSTERED_CLUSTER_PRED_CI_UPPER
            ),
        ),
    ];
    for (covariance, case) in cases {
        let name = format!("clustered {}", covariance_label(&covariance));
        let summary = model.summary_with(&x, &y, covariance).unwrap();
        check(&summary, x.view(), &case, &name);
    }
}

fn covariance_label(covariance: &Covariance) -> &'static str {
    match covariance {
        Covariance::Nonrobust => "nonrobust",
        Covariance::Hc0 => "HC0",
        Covariance::Hc1 => "HC1",
        _ => "cluster",
    }
}

#[test]
fn clustered_three_classes_match_statsmodels_mnlogit() {
    let (x, _, y3, group) = clustered();
    let model = mle().fit(&x, &y3).unwrap();
    let cases = [
        (
            Covariance::Nonrobust,
            case!(
                CLUSTERED3_NONROBUST_BSE,
                CLUSTERED3_NONROBUST_MARGEFF,
                CLUSTERED3_NONROBUST_MARGEFF_SE,
                CLUSTERED3_NONROBUST_PRED_PREDICTED,
                CLUSTERED3_NONROBUST_PRED_SE,
                CLUSTERED3_NONROBUST_PRED_CI_LOWER,
                CLUSTERED3_NONROBUST_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Hc0,
            case!(
                CLUSTERED3_HC0_BSE,
                CLUSTERED3_HC0_MARGEFF,
                CLUSTERED3_HC0_MARGEFF_SE,
                CLUSTERED3_HC0_PRED_PREDICTED,
                CLUSTERED3_HC0_PRED_SE,
                CLUSTERED3_HC0_PRED_CI_LOWER,
                CLUSTERED3_HC0_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Cluster(group),
            case!(
                CLUSTERED3_CLUSTER_BSE,
                CLUSTERED3_CLUSTER_MARGEFF,
                CLUSTERED3_CLUSTER_MARGEFF_SE,
                CLUSTERED3_CLUSTER_PRED_PREDICTED,
                CLUSTERED3_CLUSTER_PRED_SE,
                CLUSTERED3_CLUSTER_PRED_CI_LOWER,
                CLUSTERED3_CLUSTER_PRED_CI_UPPER
            ),
        ),
    ];
    for (covariance, case) in cases {
        let name = format!("clustered3 {}", covariance_label(&covariance));
        let summary = model.summary_with(&x, &y3, covariance).unwrap();
        check(&summary, x.view(), &case, &name);
    }
}

#[test]
fn anes96_matches_statsmodels_mnlogit() {
    let (x, y) = anes96();
    let model = mle().fit(&x, &y).unwrap();
    let cases = [
        (
            Covariance::Nonrobust,
            case!(
                ANES_NONROBUST_BSE,
                ANES_NONROBUST_MARGEFF,
                ANES_NONROBUST_MARGEFF_SE,
                ANES_NONROBUST_PRED_PREDICTED,
                ANES_NONROBUST_PRED_SE,
                ANES_NONROBUST_PRED_CI_LOWER,
                ANES_NONROBUST_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Hc0,
            case!(
                ANES_HC0_BSE,
                ANES_HC0_MARGEFF,
                ANES_HC0_MARGEFF_SE,
                ANES_HC0_PRED_PREDICTED,
                ANES_HC0_PRED_SE,
                ANES_HC0_PRED_CI_LOWER,
                ANES_HC0_PRED_CI_UPPER
            ),
        ),
        (
            Covariance::Cluster(groups(ANES_GROUPS)),
            case!(
                ANES_CLUSTER_BSE,
                ANES_CLUSTER_MARGEFF,
                ANES_CLUSTER_MARGEFF_SE,
                ANES_CLUSTER_PRED_PREDICTED,
                ANES_CLUSTER_PRED_SE,
                ANES_CLUSTER_PRED_CI_LOWER,
                ANES_CLUSTER_PRED_CI_UPPER
            ),
        ),
    ];
    for (covariance, case) in cases {
        let name = format!("anes96 {}", covariance_label(&covariance));
        let summary = model.summary_with(&x, &y, covariance).unwrap();
        check(&summary, x.view(), &case, &name);
    }
}

#[test]
fn hc1_is_hc0_times_n_over_n_minus_p() {
    let (x, y, y3, _) = clustered();
    for labels in [&y, &y3] {
        let model = mle().fit(&x, labels).unwrap();
        let hc0 = model.summary_with(&x, labels, Covariance::Hc0).unwrap();
        let hc1 = model.summary_with(&x, labels, Covariance::Hc1).unwrap();
        let (n, p) = (x.nrows() as f64, hc0.n_params() as f64);
        let expected = hc0.covariance().mapv(|v| v * n / (n - p));
        assert_close(hc1.covariance(), &expected, 1e-12, 1e-300, "HC1");
        assert_eq!(hc1.covariance_type(), "HC1");
        // z and p-values follow the covariance.
        let z = hc1.params() / hc1.std_errors();
        assert_close(&hc1.z_values(), &z, 1e-12, 0.0, "z");
    }
}

#[test]
fn accessors_and_table_follow_the_covariance() {
    let (x, y, _, group) = clustered();
    let model = mle().fit(&x, &y).unwrap();
    let summary = model
        .summary_with(&x, &y, Covariance::Cluster(group))
        .unwrap();
    assert_close(
        &flat(&summary.p_values()),
        &arr1(CLUSTERED_CLUSTER_P),
        TOL,
        1e-300,
        "cluster p-values",
    );
    let (low, high) = summary.conf_int(0.9).unwrap();
    let half = summary.std_errors().mapv(|s| s * 1.6448536269514722);
    assert_close(&low, &(summary.params() - &half), 1e-12, 1e-3, "lower");
    assert_close(&high, &(summary.params() + &half), 1e-12, 1e-3, "upper");
    let (or_low, _) = summary.odds_ratio_conf_int(0.9).unwrap();
    assert_close(&or_low, &low.mapv(f64::exp), 1e-12, 0.0, "odds ratio");
    let table = summary.to_string();
    assert!(table.contains("cluster (30 groups)"), "{table}");
    assert!(
        table.contains(&format!("{:.3}", summary.std_errors()[(0, 1)])),
        "{table}"
    );
}

#[test]
fn robust_covariance_inputs_are_checked() {
    let (x, y) = spector();
    let model = mle().fit(&x, &y).unwrap();
    let err = model
        .summary_with(&x, &y, Covariance::Cluster(vec![0; 31]))
        .unwrap_err();
    assert_eq!(
        err,
        Error::LengthMismatch {
            what: "groups",
            expected: 32,
            got: 31
        }
    );
    let err = model
        .summary_with(&x, &y, Covariance::Cluster(vec![3; 32]))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "groups", .. }),
        "{err}"
    );
    // A penalized estimate does not zero the score sum: refused.
    let ridge = LogisticRegression::new().fit(&x, &y).unwrap();
    let err = ridge.summary_with(&x, &y, Covariance::Hc0).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                name: "covariance",
                ..
            }
        ),
        "{err}"
    );
    assert!(ridge.summary_with(&x, &y, Covariance::Nonrobust).is_ok());
    let summary = model.summary(&x, &y).unwrap();
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            summary.predict_interval(&x, level).unwrap_err(),
            Error::InvalidParameter { name: "level", .. }
        ));
        let margins = summary.marginal_effects(&x).unwrap();
        assert!(margins.conf_int(level).is_err());
    }
    let err = summary.marginal_effects(&x.slice(s![.., ..2])).unwrap_err();
    assert_eq!(
        err,
        Error::FeatureMismatch {
            expected: 3,
            got: 2,
            names: vec![],
        }
    );
}

#[test]
fn table_warns_and_switches_to_scientific_notation() {
    let (x, y) = spector();
    let settings = LogisticRegression::new().penalty(Penalty::None);
    // One Newton step: not converged, and the table says so below itself.
    let early = settings.max_iter(1).fit(&x, &y).unwrap();
    let table = early.summary(&x, &y).unwrap().to_string();
    let warnings = table.split("Warnings:").nth(1).expect(&table);
    assert!(warnings.contains("did not converge"), "{table}");
    // A feature scaled by 1e6 has a coefficient near 1e-6: printed as 2.826e-6,
    // not 0.0000.
    let mut scaled = x.clone();
    scaled.column_mut(0).mapv_inplace(|v| v * 1e6);
    let model = mle().fit(&scaled, &y).unwrap();
    let summary = model.summary(&scaled, &y).unwrap();
    let coefficient = summary.params()[(0, 1)];
    assert!(coefficient.abs() < 1e-4);
    let table = summary.to_string();
    assert!(
        table.contains(&format!("{coefficient:.3e}")),
        "{coefficient} in {table}"
    );
    // (The 1e6 scale leaves the gradient test out of reach at tol 1e-12,
    // and the table says so; a converged fit has no warnings block.)
    let converged = mle().fit(&x, &y).unwrap().summary(&x, &y).unwrap();
    assert!(converged.warnings().is_empty());
    assert!(!converged.to_string().contains("Warnings:"));
    // Quasi-separation names the feature.
    let xq = ndarray::array![[0.0], [1.0], [2.0], [3.0], [3.0], [4.0], [5.0], [6.0]];
    let yq = ndarray::array![0, 0, 0, 0, 1, 1, 1, 1];
    let quasi = mle().fit(&xq, &yq).unwrap();
    if let Ok(summary) = quasi.summary(&xq, &yq) {
        let table = summary.with_feature_names(["dose"]).unwrap().to_string();
        assert!(table.contains("quasi-separation: dose"), "{table}");
    } else {
        panic!("quasi-separated data still have a summary");
    }
}
