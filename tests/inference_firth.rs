//! Firth's penalized logistic regression against firthmodels 0.8.2
//! (values in tests/firth_values.rs, written by
//! tests/reference/make_firth_reference.py), and likelihood-ratio tests and
//! profile intervals of maximum-likelihood fits, binary and multinomial
//! (against statsmodels 0.15 MNLogit refits: tests/mnlogit_lr_values.rs,
//! written by tests/reference/make_mnlogit_lr_reference.py).

use crate::common;
use crate::firth_values::*;
use crate::mnlogit_lr_values::*;

use common::assert_close;
use common::data::{read_csv, spector};
use logreg::{Covariance, Error, LogisticRegression, Penalty};
use ndarray::{Array1, Array2, arr1, s};
use statrs::distribution::{ChiSquared, ContinuousCDF};

fn firth() -> LogisticRegression<f64> {
    LogisticRegression::new()
        .penalty(Penalty::Firth)
        .tol(1e-11)
        .max_iter(2000)
}

fn load(text: &str, d: usize) -> (Array2<f64>, Array1<i64>) {
    let names: Vec<String> = (0..d).map(|j| format!("x{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (x, y) = read_csv(text, &names, "y");
    (x, y.iter().map(|v| v.parse().expect("0 or 1")).collect())
}

fn flat(a: &Array2<f64>) -> Array1<f64> {
    a.iter().copied().collect()
}

struct Reference {
    params: &'static [f64],
    bse: &'static [f64],
    wald_p: &'static [f64],
    lrt_p: &'static [f64],
    lower: &'static [f64],
    upper: &'static [f64],
    loglik: f64,
}

fn check(x: &Array2<f64>, y: &Array1<i64>, reference: &Reference, what: &str) {
    let model = firth().fit(x, y).unwrap();
    assert!(model.report().converged(), "{what}: {:?}", model.report());
    let summary = model.summary(x, y).unwrap();
    assert_close(
        &flat(summary.params()),
        &arr1(reference.params),
        1e-6,
        1e-2,
        &format!("{what} params"),
    );
    assert_close(
        &flat(summary.std_errors()),
        &arr1(reference.bse),
        1e-6,
        0.0,
        &format!("{what} Wald std errors"),
    );
    assert_close(
        &flat(&summary.p_values()),
        &arr1(reference.wald_p),
        1e-6,
        0.0,
        &format!("{what} Wald p-values"),
    );
    let penalized = summary.penalized_log_likelihood().unwrap();
    assert!(
        (penalized - reference.loglik).abs() <= 1e-8 * reference.loglik.abs(),
        "{what}: penalized log-likelihood {penalized} vs {}",
        reference.loglik
    );
    assert!(summary.to_string().contains("Firth"));
    assert_close(
        &flat(&summary.lr_p_values().unwrap()),
        &arr1(reference.lrt_p),
        1e-4,
        0.0,
        &format!("{what} penalized LR p-values"),
    );
    let (low, high) = summary.profile_conf_int(0.95).unwrap();
    assert_close(
        &flat(&low),
        &arr1(reference.lower),
        1e-4,
        1e-2,
        &format!("{what} profile lower"),
    );
    assert_close(
        &flat(&high),
        &arr1(reference.upper),
        1e-4,
        1e-2,
        &format!("{what} profile upper"),
    );
}

#[test]
fn firth_on_separated_data_matches_firthmodels() {
    let (x, y) = load(include_str!("data/firth_separated.csv"), 2);
    // Maximum likelihood has no estimate here.
    let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y);
    assert!(mle.map_or(true, |m| m.summary(&x, &y).is_err()));
    let reference = Reference {
        params: SEPARATED_PARAMS,
        bse: SEPARATED_BSE,
        wald_p: SEPARATED_WALD_P,
        lrt_p: SEPARATED_LRT_P,
        lower: SEPARATED_PL_LOWER,
        upper: SEPARATED_PL_UPPER,
        loglik: SEPARATED_PENALIZED_LOGLIK[0],
    };
    check(&x, &y, &reference, "separated");
}

#[test]
fn firth_on_rare_events_matches_firthmodels() {
    let (x, y) = load(include_str!("data/firth_rare.csv"), 3);
    assert!(y.iter().filter(|&&v| v == 1).count() * 10 < y.len());
    let reference = Reference {
        params: RARE_PARAMS,
        bse: RARE_BSE,
        wald_p: RARE_WALD_P,
        lrt_p: RARE_LRT_P,
        lower: RARE_PL_LOWER,
        upper: RARE_PL_UPPER,
        loglik: RARE_PENALIZED_LOGLIK[0],
    };
    check(&x, &y, &reference, "rare");
}

#[test]
fn firth_inputs_are_checked() {
    let (x, y) = load(include_str!("data/firth_separated.csv"), 2);
    let three: Array1<i64> = (0..x.nrows() as i64).map(|i| i % 3).collect();
    let err = firth().fit(&x, &three).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                name: "penalty",
                ..
            }
        ),
        "{err}"
    );
    let model = firth().fit(&x, &y).unwrap();
    let err = model.summary_with(&x, &y, Covariance::Hc0).unwrap_err();
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
    let summary = model.summary(&x, &y).unwrap();
    assert!(summary.profile_conf_int(0.0).is_err());
    // L2-penalized fits have no LR refits (binary or multinomial).
    let ridge = LogisticRegression::new().fit(&x, &y).unwrap();
    assert!(ridge.summary(&x, &y).unwrap().lr_p_values().is_err());
    let ridge3 = LogisticRegression::new().fit(&x, &three).unwrap();
    let summary3 = ridge3.summary(&x, &three).unwrap();
    assert!(matches!(
        summary3.lr_p_values(),
        Err(Error::InvalidParameter {
            name: "summary",
            ..
        })
    ));
    assert!(summary3.profile_conf_int(0.95).is_err());
}

#[test]
fn ml_lr_p_values_equal_refits_without_each_feature() {
    let (x, y) = spector();
    let mle = LogisticRegression::new().penalty(Penalty::None).tol(1e-12);
    let full = mle.fit(&x, &y).unwrap().summary(&x, &y).unwrap();
    let lr = full.lr_p_values().unwrap();
    let chi2 = ChiSquared::new(1.0).unwrap();
    for j in 0..x.ncols() {
        let keep: Vec<usize> = (0..x.ncols()).filter(|&k| k != j).collect();
        let reduced_x = x.select(ndarray::Axis(1), &keep);
        let reduced = mle
            .fit(&reduced_x, &y)
            .unwrap()
            .summary(&reduced_x, &y)
            .unwrap();
        let statistic = 2.0 * (full.log_likelihood() - reduced.log_likelihood());
        let expected = chi2.sf(statistic);
        assert!(
            (lr[(0, j + 1)] - expected).abs() <= 1e-6 * expected,
            "feature {j}: {} vs {expected}",
            lr[(0, j + 1)]
        );
    }
    // The profile interval of a slope holds the values whose LR test is not
    // rejected: at each bound the LR statistic is the χ² quantile.
    let (low, high) = full.profile_conf_int(0.95).unwrap();
    let slope = full.params().slice(s![0, 1..]).to_owned();
    for j in 0..x.ncols() {
        assert!(low[(0, j + 1)] < slope[j] && slope[j] < high[(0, j + 1)]);
    }
    let wald = full.conf_int(0.95).unwrap();
    // Same order of magnitude as Wald, not the same numbers.
    for j in 1..=x.ncols() {
        let ratio = (high[(0, j)] - low[(0, j)]) / (wald.1[(0, j)] - wald.0[(0, j)]);
        assert!(0.5 < ratio && ratio < 2.0, "{ratio}");
    }
}

/// A weighted Firth fit and its Wald summary, with the largest relative gap
/// to firthmodels' coefficients and standard errors.
fn weighted_gap(
    x: &Array2<f64>,
    y: &Array1<i64>,
    w: &[f64],
    params: &[f64],
    bse: &[f64],
    loglik: f64,
    what: &str,
) -> f64 {
    let w = arr1(w);
    let model = firth().fit_weighted(x, y, &w).unwrap();
    assert!(model.report().converged(), "{what}: {:?}", model.report());
    let summary = model.summary_weighted(x, y, &w).unwrap();
    assert_close(
        &flat(summary.params()),
        &arr1(params),
        1e-6,
        0.0,
        &format!("{what} params"),
    );
    assert_close(
        &flat(summary.std_errors()),
        &arr1(bse),
        1e-6,
        0.0,
        &format!("{what} Wald std errors"),
    );
    let penalized = summary.penalized_log_likelihood().unwrap();
    assert!(
        (penalized - loglik).abs() <= 1e-8 * loglik.abs(),
        "{what}: penalized log-likelihood {penalized} vs {loglik}"
    );
    let relative = |a: &Array1<f64>, b: &[f64]| {
        a.iter()
            .zip(b)
            .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs() / b.abs()))
    };
    relative(&flat(summary.params()), params).max(relative(&flat(summary.std_errors()), bse))
}

#[test]
fn weighted_firth_matches_firthmodels() {
    // firthmodels 0.8.2 `fit(x, y, sample_weight=w)` with the seeded
    // non-integer weights recorded beside the values, written by
    // tests/reference/make_firth_reference.py.
    let (x, y) = load(include_str!("data/firth_separated.csv"), 2);
    let separated = weighted_gap(
        &x,
        &y,
        SEPARATED_WEIGHTED_WEIGHTS,
        SEPARATED_WEIGHTED_PARAMS,
        SEPARATED_WEIGHTED_BSE,
        SEPARATED_WEIGHTED_PENALIZED_LOGLIK[0],
        "weighted separated",
    );
    let (x, y) = load(include_str!("data/firth_rare.csv"), 3);
    let rare = weighted_gap(
        &x,
        &y,
        RARE_WEIGHTED_WEIGHTS,
        RARE_WEIGHTED_PARAMS,
        RARE_WEIGHTED_BSE,
        RARE_WEIGHTED_PENALIZED_LOGLIK[0],
        "weighted rare",
    );
    eprintln!(
        "weighted Firth vs firthmodels: max relative gap {separated:.2e} (separated), {rare:.2e} (rare)"
    );
}

#[test]
fn integer_weighted_firth_equals_repeated_rows() {
    // Firth's penalty is not invariant to rescaling the weights (the
    // Jeffreys term does not grow with them), so weights must act as
    // repeated rows, not as relative importances.
    let (x, y) = load(include_str!("data/firth_separated.csv"), 2);
    let w: Array1<f64> = (0..x.nrows()).map(|i| (i % 3) as f64).collect();
    let rows: Vec<usize> = (0..x.nrows())
        .flat_map(|i| std::iter::repeat_n(i, i % 3))
        .collect();
    let (xr, yr) = (
        x.select(ndarray::Axis(0), &rows),
        y.select(ndarray::Axis(0), &rows),
    );
    let weighted = firth().fit_weighted(&x, &y, &w).unwrap();
    let repeated = firth().fit(&xr, &yr).unwrap();
    let sw = weighted.summary_weighted(&x, &y, &w).unwrap();
    let sr = repeated.summary(&xr, &yr).unwrap();
    assert_close(sw.params(), sr.params(), 1e-9, 0.0, "params");
    assert_close(sw.std_errors(), sr.std_errors(), 1e-9, 0.0, "std errors");
    let (pw, pr) = (
        sw.penalized_log_likelihood().unwrap(),
        sr.penalized_log_likelihood().unwrap(),
    );
    assert!((pw - pr).abs() <= 1e-10 * pr.abs(), "{pw} vs {pr}");
    // The penalized LR tests refit the weighted data the same way.
    assert_close(
        &sw.lr_p_values().unwrap(),
        &sr.lr_p_values().unwrap(),
        1e-6,
        1e-12,
        "penalized LR p-values",
    );
    // Doubling every weight is not the same fit (unlike maximum likelihood).
    let doubled = firth().fit_weighted(&x, &y, &(&w * 2.0)).unwrap();
    let gap = (doubled.coef()[(0, 0)] - weighted.coef()[(0, 0)]).abs();
    assert!(gap > 1e-3 * weighted.coef()[(0, 0)].abs(), "{gap}");
}

struct MnlogitReference {
    params: &'static [f64],
    bse: &'static [f64],
    lr_p: &'static [f64],
    lower: &'static [f64],
    upper: &'static [f64],
    loglik: f64,
}

/// The largest relative gap of `a` to `reference`.
fn max_gap(a: &Array2<f64>, reference: &[f64]) -> f64 {
    a.iter()
        .zip(reference)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs() / b.abs()))
}

/// A multinomial maximum-likelihood fit's LR p-values and profile
/// intervals against statsmodels MNLogit refits; the largest relative gaps
/// (LR p-values, profile bounds).
fn check_mnlogit(
    x: &Array2<f64>,
    y: &Array1<i64>,
    reference: &MnlogitReference,
    what: &str,
) -> (f64, f64) {
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-10)
        .max_iter(500)
        .fit(x, y)
        .unwrap();
    assert!(model.report().converged(), "{what}: {:?}", model.report());
    let summary = model.summary(x, y).unwrap();
    assert_close(
        &flat(summary.params()),
        &arr1(reference.params),
        1e-6,
        0.0,
        &format!("{what} params"),
    );
    assert_close(
        &flat(summary.std_errors()),
        &arr1(reference.bse),
        1e-6,
        0.0,
        &format!("{what} std errors"),
    );
    let loglik = summary.log_likelihood();
    assert!(
        (loglik - reference.loglik).abs() <= 1e-10 * reference.loglik.abs(),
        "{what}: {loglik}"
    );
    let lr = summary.lr_p_values().unwrap();
    assert_eq!(lr.dim(), summary.params().dim());
    assert_close(
        &flat(&lr),
        &arr1(reference.lr_p),
        1e-6,
        0.0,
        &format!("{what} LR p-values"),
    );
    let (low, high) = summary.profile_conf_int(0.95).unwrap();
    assert_close(
        &flat(&low),
        &arr1(reference.lower),
        1e-6,
        0.0,
        &format!("{what} profile lower"),
    );
    assert_close(
        &flat(&high),
        &arr1(reference.upper),
        1e-6,
        0.0,
        &format!("{what} profile upper"),
    );
    (
        max_gap(&lr, reference.lr_p),
        max_gap(&low, reference.lower).max(max_gap(&high, reference.upper)),
    )
}

#[test]
fn multinomial_lr_p_values_and_profile_intervals_match_mnlogit_refits() {
    let (x, y) = crate::common::data::anes96();
    let anes = MnlogitReference {
        params: ANES_PARAMS,
        bse: ANES_BSE,
        lr_p: ANES_LR_P,
        lower: ANES_PL_LOWER,
        upper: ANES_PL_UPPER,
        loglik: ANES_LOGLIK[0],
    };
    let (anes_lr, anes_pl) = check_mnlogit(&x, &y, &anes, "anes96");
    let (x, y) = read_csv(
        include_str!("data/clustered.csv"),
        &["x0", "x1", "x2", "x3"],
        "y3",
    );
    let y: Array1<i64> = y.iter().map(|v| v.parse().expect("class")).collect();
    let clustered = MnlogitReference {
        params: CLUSTERED_PARAMS,
        bse: CLUSTERED_BSE,
        lr_p: CLUSTERED_LR_P,
        lower: CLUSTERED_PL_LOWER,
        upper: CLUSTERED_PL_UPPER,
        loglik: CLUSTERED_LOGLIK[0],
    };
    let (clustered_lr, clustered_pl) = check_mnlogit(&x, &y, &clustered, "clustered");
    eprintln!(
        "MNLogit refits: LR p-values within {anes_lr:.2e} (anes96), {clustered_lr:.2e} (clustered); \
         profile bounds within {anes_pl:.2e}, {clustered_pl:.2e}"
    );
}

#[test]
fn multinomial_lr_inference_with_integer_weights_equals_repeated_rows() {
    // statsmodels' MNLogit takes no weights: weights are checked against
    // the rows they stand for instead.
    let (x, y) = read_csv(
        include_str!("data/clustered.csv"),
        &["x0", "x1", "x2", "x3"],
        "y3",
    );
    let y: Array1<i64> = y.iter().map(|v| v.parse().expect("class")).collect();
    let keep: Vec<usize> = (0..300).collect();
    let (x, y) = (
        x.select(ndarray::Axis(0), &keep),
        y.select(ndarray::Axis(0), &keep),
    );
    let w: Array1<f64> = (0..x.nrows()).map(|i| (i % 3) as f64).collect();
    let rows: Vec<usize> = (0..x.nrows())
        .flat_map(|i| std::iter::repeat_n(i, i % 3))
        .collect();
    let (xr, yr) = (
        x.select(ndarray::Axis(0), &rows),
        y.select(ndarray::Axis(0), &rows),
    );
    let mle = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-11)
        .max_iter(500);
    let weighted = mle
        .fit_weighted(&x, &y, &w)
        .unwrap()
        .summary_weighted(&x, &y, &w)
        .unwrap();
    let repeated = mle.fit(&xr, &yr).unwrap().summary(&xr, &yr).unwrap();
    assert_eq!(weighted.params().dim(), (2, 5));
    assert_close(
        &weighted.lr_p_values().unwrap(),
        &repeated.lr_p_values().unwrap(),
        1e-7,
        1e-300,
        "LR p-values",
    );
    let ((low_w, high_w), (low_r, high_r)) = (
        weighted.profile_conf_int(0.9).unwrap(),
        repeated.profile_conf_int(0.9).unwrap(),
    );
    assert_close(&low_w, &low_r, 1e-8, 1e-3, "profile lower");
    assert_close(&high_w, &high_r, 1e-8, 1e-3, "profile upper");
    // Each bound lies on its own side of the estimate.
    for ((l, h), p) in low_w.iter().zip(&high_w).zip(weighted.params()) {
        assert!(l < p && p < h, "{l} {p} {h}");
    }
}
