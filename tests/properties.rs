//! Property tests (proptest): the objective's derivatives, probabilities,
//! and the invariances the objective promises (labels, weights, row order,
//! precision), each over 256 small random problems.
//!
//! The problems are small (≤ 12 rows, ≤ 3 features, ≤ 4 classes) so the
//! whole file runs in seconds in debug mode, and every fit is penalized so
//! that its optimum exists and is unique. Counterexamples shrink towards
//! fewer rows, features and classes and towards zero.

use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use logreg::solver::Newton;
use logreg::{FittedLogisticRegression, LogisticRegression, Multiclass};
use ndarray::{Array1, Array2, ArrayView1, Axis};
use proptest::prelude::*;

/// A labelled problem: n × d features, classes 0..k (every class present),
/// positive real weights and integer weights 1..=3 per row.
#[derive(Debug, Clone)]
struct Problem {
    x: Array2<f64>,
    y: Vec<usize>,
    k: usize,
    weight: Array1<f64>,
    repeats: Vec<usize>,
}

/// Problems with 2..=`max_k` classes, `rows` rows (at least one per class)
/// and 1..=3 features in [−3, 3].
fn problem(max_k: usize, min_rows: usize, max_rows: usize) -> impl Strategy<Value = Problem> {
    (2..=max_k, min_rows..=max_rows, 1..=3usize)
        .prop_flat_map(|(k, n, d)| {
            let n = n.max(k);
            (
                Just(k),
                prop::collection::vec(-3.0..3.0f64, n * d)
                    .prop_map(move |v| Array2::from_shape_vec((n, d), v).expect("n·d values")),
                prop::collection::vec(0..k, n),
                prop::collection::vec(0.1..3.0f64, n),
                prop::collection::vec(1..=3usize, n),
            )
        })
        .prop_map(|(k, x, mut y, weight, repeats)| {
            // Every class present: the first k rows are classes 0..k.
            for (c, label) in y.iter_mut().take(k).enumerate() {
                *label = c;
            }
            Problem {
                x,
                y,
                k,
                weight: Array1::from(weight),
                repeats,
            }
        })
}

fn binary_targets(p: &Problem) -> Array1<f64> {
    p.y.iter()
        .map(|&c| if c == 1 { 1.0 } else { 0.0 })
        .collect()
}

/// The binary (classes ≥ 1 against 0) and the multinomial objective of a problem.
fn objectives(
    p: &Problem,
    alpha: f64,
    fit_intercept: bool,
) -> [(&'static str, Box<dyn Objective<f64> + '_>); 2] {
    let binary = BinaryLogistic::new(
        p.x.view(),
        binary_targets(p),
        Some(p.weight.clone()),
        alpha,
        fit_intercept,
    )
    .expect("valid binary objective");
    let multinomial = Multinomial::new(
        p.x.view(),
        p.y.clone(),
        p.k,
        Some(p.weight.clone()),
        alpha,
        fit_intercept,
    )
    .expect("valid multinomial objective");
    [
        ("binary", Box::new(binary)),
        ("multinomial", Box::new(multinomial)),
    ]
}

fn gradient(objective: &dyn Objective<f64>, at: ArrayView1<'_, f64>) -> Array1<f64> {
    let mut grad = Array1::zeros(objective.n_params());
    objective.value_grad(at, grad.view_mut());
    grad
}

/// A parameter vector of length `n` from raw values in [−2, 2] (recycled).
fn params_from(raw: &[f64], n: usize) -> Array1<f64> {
    (0..n).map(|i| raw[i % raw.len()]).collect()
}

/// Central-difference step for a parameter of size `theta`.
fn step(theta: f64) -> f64 {
    1e-5 * theta.abs().max(1.0)
}

fn newton(alpha: f64) -> LogisticRegression<f64> {
    LogisticRegression::new()
        .alpha(alpha)
        .solver(Newton::new())
        .tol(1e-10)
        .max_iter(200)
}

/// Largest absolute entry of a − b.
fn max_diff(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |m, (&u, &v)| f64::max(m, (u - v).abs()))
}

/// Coefficients and intercepts of a model as one vector.
fn flat<L: Clone + Ord>(model: &FittedLogisticRegression<f64, L>) -> Array1<f64> {
    model
        .coef()
        .iter()
        .chain(model.intercept())
        .copied()
        .collect()
}

fn labels(p: &Problem) -> Array1<usize> {
    Array1::from(p.y.clone())
}

/// Query points: the training rows and the same rows scaled by 10 and 1000
/// (far outside the data, where probabilities saturate).
fn queries(p: &Problem) -> Array2<f64> {
    let mut q = p.x.clone();
    for scale in [10.0, 1000.0] {
        q.append(Axis(0), p.x.mapv(|v| v * scale).view())
            .expect("same columns");
    }
    q
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// ∇f equals central differences of f; the Hessian's columns equal central
    /// differences of ∇f; H·v from `hess_vec` equals `hessian`·v.
    #[test]
    fn derivatives_match_finite_differences(
        p in problem(4, 2, 8),
        raw in prop::collection::vec(-2.0..2.0f64, 1..=16),
        raw_v in prop::collection::vec(-2.0..2.0f64, 1..=16),
        alpha in prop_oneof![Just(0.0), 0.0..2.0f64],
        fit_intercept in any::<bool>(),
    ) {
        for (name, objective) in objectives(&p, alpha, fit_intercept) {
            let objective = objective.as_ref();
            let n = objective.n_params();
            let at = params_from(&raw, n);
            let v = params_from(&raw_v, n);
            let g = gradient(objective, at.view());
            let hess = objective.hessian(at.view());
            for j in 0..n {
                let h = step(at[j]);
                let (mut up, mut down) = (at.clone(), at.clone());
                up[j] += h;
                down[j] -= h;
                let fd = (objective.value(up.view()) - objective.value(down.view())) / (2.0 * h);
                prop_assert!(
                    (fd - g[j]).abs() <= 1e-6 * (1.0 + g[j].abs()),
                    "{name}: ∂f/∂θ[{j}] = {} but central difference {fd}", g[j]
                );
                let fd_col = (gradient(objective, up.view()) - gradient(objective, down.view()))
                    / (2.0 * h);
                for i in 0..n {
                    prop_assert!(
                        (fd_col[i] - hess[(i, j)]).abs() <= 1e-6 * (1.0 + hess[(i, j)].abs()),
                        "{name}: H[{i},{j}] = {} but central difference {}", hess[(i, j)], fd_col[i]
                    );
                }
            }
            let mut hv = Array1::zeros(n);
            objective.hess_vec(at.view(), v.view(), hv.view_mut());
            let expected = hess.dot(&v);
            for i in 0..n {
                prop_assert!(
                    (hv[i] - expected[i]).abs() <= 1e-12 * (1.0 + expected[i].abs()),
                    "{name}: (H·v)[{i}] = {} from hess_vec but {} from hessian", hv[i], expected[i]
                );
            }
        }
    }

    /// Probabilities lie in [0, 1] and each row sums to 1 within 1e-12, also
    /// far outside the data, for binary, one-vs-rest and multinomial models.
    #[test]
    fn probabilities_are_distributions(
        p in problem(4, 2, 12),
        alpha in 0.01..1.0f64,
    ) {
        let y = labels(&p);
        let q = queries(&p);
        let mut forms = vec![("multinomial", Multiclass::Multinomial)];
        if p.k == 2 {
            forms.push(("binary", Multiclass::Auto));
        } else {
            forms.push(("one-vs-rest", Multiclass::OneVsRest));
        }
        for (name, form) in forms {
            let model = newton(alpha).tol(1e-8).multiclass(form).fit(&p.x, &y)
                .expect("valid problem");
            let proba = model.predict_proba(&q).expect("same features");
            prop_assert_eq!(proba.dim(), (q.nrows(), p.k));
            for (i, row) in proba.rows().into_iter().enumerate() {
                prop_assert!(
                    row.iter().all(|&v| (0.0..=1.0).contains(&v)),
                    "{name}: row {i} = {row} has an entry outside [0, 1]"
                );
                prop_assert!(
                    (row.sum() - 1.0).abs() <= 1e-12,
                    "{name}: row {i} = {row} sums to {}", row.sum()
                );
            }
        }
    }

    /// An order-preserving relabelling (c ↦ scale·c + offset, or to strings
    /// that sort the same) gives the same model.
    #[test]
    fn order_preserving_relabelling_gives_the_same_model(
        p in problem(4, 3, 10),
        scale in 1..100i64,
        offset in -1000..1000i64,
        alpha in 0.05..1.0f64,
    ) {
        let settings = newton(alpha).multiclass(Multiclass::Multinomial);
        let original = settings.fit(&p.x, &labels(&p)).expect("valid problem");
        let mapped: Array1<i64> = p.y.iter().map(|&c| scale * c as i64 + offset).collect();
        let relabelled = settings.fit(&p.x, &mapped).expect("valid problem");
        let named: Array1<String> = p.y.iter().map(|&c| format!("class {c}")).collect();
        let renamed = settings.fit(&p.x, &named).expect("valid problem");
        prop_assert_eq!(original.coef(), relabelled.coef());
        prop_assert_eq!(original.intercept(), relabelled.intercept());
        prop_assert_eq!(original.coef(), renamed.coef());
        prop_assert_eq!(original.intercept(), renamed.intercept());
        let expected: Vec<i64> = (0..p.k as i64).map(|c| scale * c + offset).collect();
        prop_assert_eq!(relabelled.classes(), expected.as_slice());
    }

    /// A permutation π of the labels permutes the multinomial model's coef
    /// rows, intercepts and probability columns the same way: the new model's
    /// row π(c) is the old model's row c.
    #[test]
    fn permuting_labels_permutes_rows_and_columns(
        (p, perm) in problem(4, 3, 10).prop_flat_map(|p| {
            let k = p.k;
            (Just(p), Just((0..k).collect::<Vec<usize>>()).prop_shuffle())
        }),
        alpha in 0.05..1.0f64,
    ) {
        let settings = newton(alpha).multiclass(Multiclass::Multinomial);
        let original = settings.fit(&p.x, &labels(&p)).expect("valid problem");
        let permuted_y: Array1<usize> = p.y.iter().map(|&c| perm[c]).collect();
        let permuted = settings.fit(&p.x, &permuted_y).expect("valid problem");
        prop_assert!(original.report().converged() && permuted.report().converged());
        let p_orig = original.predict_proba(&p.x).expect("same features");
        let p_perm = permuted.predict_proba(&p.x).expect("same features");
        let (a, b) = (original.coef(), permuted.coef());
        for (c, &to) in perm.iter().enumerate() {
            let coef_gap = max_diff(a.row(c), b.row(to));
            let intercept_gap = (original.intercept()[c] - permuted.intercept()[to]).abs();
            let proba_gap = max_diff(p_orig.column(c), p_perm.column(to));
            prop_assert!(
                coef_gap <= 1e-7 && intercept_gap <= 1e-7 && proba_gap <= 1e-9,
                "class {c} ↦ {to}: coef gap {coef_gap:e}, intercept gap {intercept_gap:e}, \
                 probability gap {proba_gap:e}"
            );
        }
    }

    /// Integer sample weights equal repeating rows (with `.alpha`, which does
    /// not depend on the weight sum), and scaling all weights by a constant
    /// changes nothing; binary and multinomial.
    #[test]
    fn weights_act_like_repeated_rows_and_are_scale_free(
        p in problem(3, 2, 8),
        factor in prop_oneof![1e-3..1e-1f64, 10.0..1e3f64],
        alpha in 0.05..1.0f64,
    ) {
        let repeated_rows: Vec<usize> = p
            .repeats
            .iter()
            .enumerate()
            .flat_map(|(i, &r)| std::iter::repeat_n(i, r))
            .collect();
        let x_rep = p.x.select(Axis(0), &repeated_rows);
        let y_rep: Array1<usize> = repeated_rows.iter().map(|&i| p.y[i]).collect();
        let w_int: Array1<f64> = p.repeats.iter().map(|&r| r as f64).collect();
        let y = labels(&p);
        for form in [Multiclass::Auto, Multiclass::Multinomial] {
            let settings = newton(alpha).multiclass(form);
            let weighted = settings.fit_weighted(&p.x, &y, &w_int).expect("valid");
            let repeated = settings.fit(&x_rep, &y_rep).expect("valid");
            let gap = max_diff(flat(&weighted).view(), flat(&repeated).view());
            prop_assert!(gap <= 1e-7, "{form:?}: weights {w_int} vs repeated rows differ by {gap:e}");

            let base = settings.fit_weighted(&p.x, &y, &p.weight).expect("valid");
            let scaled_w = &p.weight * factor;
            let scaled = settings.fit_weighted(&p.x, &y, &scaled_w).expect("valid");
            let gap = max_diff(flat(&base).view(), flat(&scaled).view());
            prop_assert!(gap <= 1e-7, "{form:?}: weights × {factor} moved the solution by {gap:e}");
        }
    }

    /// Shuffling the rows moves the Newton solution (tol 1e-10) by no more
    /// than the tolerance allows.
    #[test]
    fn row_order_does_not_matter(
        (p, order) in problem(4, 2, 12).prop_flat_map(|p| {
            let n = p.x.nrows();
            (Just(p), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        alpha in 0.05..1.0f64,
    ) {
        let x_shuffled = p.x.select(Axis(0), &order);
        let y_shuffled: Array1<usize> = order.iter().map(|&i| p.y[i]).collect();
        let y = labels(&p);
        for form in [Multiclass::Auto, Multiclass::OneVsRest] {
            let settings = newton(alpha).multiclass(form);
            let original = settings.fit(&p.x, &y).expect("valid");
            let shuffled = settings.fit(&x_shuffled, &y_shuffled).expect("valid");
            prop_assert!(original.report().converged() && shuffled.report().converged());
            let gap = max_diff(flat(&original).view(), flat(&shuffled).view());
            prop_assert!(gap <= 1e-8, "{form:?}: shuffled solution differs by {gap:e}");
        }
    }

    /// f32 and f64 fits of well-conditioned data (features in [−1, 1],
    /// α ≥ 0.1, 20–40 rows) agree within 1e-4 relative.
    #[test]
    fn f32_agrees_with_f64(
        p in problem(3, 20, 40).prop_map(|mut p| { p.x.mapv_inplace(|v| v / 3.0); p }),
        alpha in 0.1..1.0f64,
    ) {
        let y = labels(&p);
        let x32 = p.x.mapv(|v| v as f32);
        for form in [Multiclass::Auto, Multiclass::Multinomial] {
            let m64 = newton(alpha).multiclass(form).fit(&p.x, &y).expect("valid");
            let m32 = LogisticRegression::<f32>::new()
                .alpha(alpha as f32)
                .solver(Newton::new())
                .tol(1e-6)
                .multiclass(form)
                .fit(&x32, &y)
                .expect("valid");
            let wide: Array1<f64> = m32
                .coef()
                .iter()
                .chain(m32.intercept())
                .map(|&v| f64::from(v))
                .collect();
            let reference = flat(&m64);
            let size = reference.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
            let gap = max_diff(wide.view(), reference.view());
            prop_assert!(
                gap <= 1e-4 * size,
                "{form:?}: f32 {wide} vs f64 {reference}: gap {gap:e} (scale {size})"
            );
        }
    }
}
