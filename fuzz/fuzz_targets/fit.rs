//! Builds X, y, sample weights and settings from arbitrary bytes, fits and
//! predicts. Any outcome is fine but a panic, an abort, a hang, or an `Ok`
//! carrying non-finite numbers.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run fit -- -max_total_time=1800 -timeout=20`
//! (see fuzz/README.md).

#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use logreg::solver::{
    Adam, CoordinateDescent, Fista, GradientDescent, Lbfgs, Newton, Sgd, Solver,
};
use logreg::sprs::CsMat;
use logreg::{Alphas, ClassWeight, LogisticRegression, Multiclass, Penalty};
use ndarray::{Array1, Array2};

/// A float that is usually ordinary but can be anything: NaN, ±inf,
/// subnormal, huge, or exactly zero.
fn float(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => f64::from_bits(u.arbitrary()?),
        1 => 0.0,
        2 => f64::from(u.arbitrary::<i8>()?),
        3 => f64::from(u.arbitrary::<i16>()?) * 1e-3,
        _ => f64::from(u.arbitrary::<i8>()?) / 16.0,
    })
}

/// A setting that is usually sensible and sometimes anything.
fn setting(u: &mut Unstructured<'_>, typical: &[f64]) -> Result<f64> {
    if u.ratio(1u8, 8)? {
        float(u)
    } else {
        Ok(*u.choose(typical)?)
    }
}

fn solver(u: &mut Unstructured<'_>) -> Result<Box<dyn Solver<f64>>> {
    let batch = u.int_in_range(0..=40usize)?;
    let seed = u.arbitrary::<u64>()?;
    let rate = setting(u, &[1e-3, 0.01, 0.1, 1.0])?;
    Ok(match u.int_in_range(0..=8u8)? {
        7 => Box::new(CoordinateDescent::new().max_sweeps(u.int_in_range(0..=50usize)?)),
        8 => Box::new(Fista::new()),
        0 => Box::new(Newton::new()),
        1 => Box::new(Lbfgs::new().memory(u.int_in_range(0..=12usize)?)),
        2 => Box::new(Lbfgs::new().diagonal_scaling(true)),
        3 => Box::new(GradientDescent::new()),
        4 => Box::new(GradientDescent::new().learning_rate(rate)),
        5 => Box::new(Sgd::new().batch_size(batch).seed(seed)),
        _ => Box::new(
            Adam::new()
                .learning_rate(rate)
                .beta1(setting(u, &[0.0, 0.9])?)
                .batch_size(batch)
                .seed(seed),
        ),
    })
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let n = u.int_in_range(0..=40usize)?;
    let d = u.int_in_range(0..=5usize)?;
    let k = u.int_in_range(1..=5u8)?;
    let x = Array2::from_shape_vec((n, d), (0..n * d).map(|_| float(u)).collect::<Result<_>>()?)
        .expect("n·d values");
    let y: Array1<u8> = (0..n)
        .map(|_| Ok(u.int_in_range(0..=k - 1)?))
        .collect::<Result<_>>()?;
    let mut settings = LogisticRegression::new()
        .tol(setting(u, &[1e-4, 1e-8])?)
        .max_iter(u.int_in_range(0..=60usize)?)
        .fit_intercept(u.arbitrary()?)
        .multiclass(*u.choose(&[
            Multiclass::Auto,
            Multiclass::OneVsRest,
            Multiclass::Multinomial,
        ])?);
    settings = match u.int_in_range(0..=2u8)? {
        0 => settings.penalty(Penalty::None),
        1 => settings.c(setting(u, &[0.01, 1.0, 100.0])?),
        _ => settings.alpha(setting(u, &[0.0, 1e-3, 1.0])?),
    };
    settings = match u.int_in_range(0..=3u8)? {
        0 => settings.penalty(Penalty::L1),
        1 => settings.penalty(Penalty::ElasticNet {
            l1_ratio: setting(u, &[0.0, 0.5, 1.0])?,
        }),
        _ => settings,
    };
    settings = settings.standardize(u.ratio(1u8, 4)?);
    if u.ratio(1u8, 4)? {
        let weights = (0..u.int_in_range(0..=5usize)?)
            .map(|_| float(u))
            .collect::<Result<_>>()?;
        settings = settings.class_weight(ClassWeight::Manual(weights));
    } else if u.ratio(1u8, 4)? {
        settings = settings.class_weight(ClassWeight::Balanced);
    }
    let settings = settings.solver(solver(u)?);
    let weights = if u.arbitrary()? {
        Some((0..n).map(|_| float(u)).collect::<Result<Array1<f64>>>()?)
    } else {
        None
    };
    if std::env::var_os("LOGREG_FUZZ_SHOW").is_some() {
        // To see what an artifact builds: LOGREG_FUZZ_SHOW=1 cargo fuzz run fit FILE
        eprintln!("x = {x:?}\ny = {y:?}\nweights = {weights:?}\nsettings = {settings:?}");
    }
    let fitted = match &weights {
        Some(w) => settings.fit_weighted(&x, &y, w),
        None => settings.fit(&x, &y),
    };
    let Ok(model) = fitted else { return Ok(()) };
    assert!(
        model.coef().iter().all(|v| v.is_finite()),
        "Ok with non-finite coef"
    );
    assert!(
        model.intercept().iter().all(|v| v.is_finite()),
        "Ok with non-finite intercept"
    );
    if let Ok(p) = model.predict_proba(&x) {
        for row in p.rows() {
            assert!(
                row.iter().all(|v| (0.0..=1.0).contains(v)),
                "probability outside [0, 1]: {row}"
            );
        }
    }
    let _ = model.predict(&x);
    let _ = model.predict_log_proba(&x);
    let _ = model.score(&x, &y);
    let _ = model.summary(&x, &y);
    // The same data as CSR must fit (or fail) without panicking, and agree
    // on what is finite.
    let sparse = CsMat::csr_from_dense(x.view(), 0.0);
    if let Ok(sparse_model) = settings.fit_csr(&sparse, &y) {
        assert!(sparse_model.coef().iter().all(|v| v.is_finite()), "CSR: non-finite coef");
        let _ = sparse_model.predict_proba_csr(&sparse);
    }
    // A short path over a few strengths.
    if let Ok(path) = settings.path(&x, &y, &Alphas::Auto { n: 3, min_ratio: 0.1 }) {
        for model in path.models() {
            assert!(model.coef().iter().all(|v| v.is_finite()), "path: non-finite coef");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
