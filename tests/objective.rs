//! The objectives against finite differences, a naive re-implementation, and
//! the invariances of DESIGN.md §2; and their input validation.
//!
//! Data are small and generated deterministically (a 64-bit LCG), so every
//! number here is reproducible without a random-number crate.

#![deny(clippy::float_cmp)]

use approx::assert_abs_diff_eq;
use logreg::Error;
use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use ndarray::{Array1, Array2, ArrayView1, Axis, array};

/// Finite-difference step, relative: hⱼ = STEP · max(1, |θⱼ|).
const STEP: f64 = 1e-6;

/// Tolerance of a central difference against the analytic derivative.
/// The objective is O(1) and evaluated to a few ε ≈ 1e-15, so rounding
/// contributes ~1e-15 / 2h ≈ 1e-9; truncation is h²·|f'''|/6 with
/// |f'''| ≲ Σ|x|³ ≲ 1e2 on this data, ≈ 1e-10. 1e-7 leaves a margin of 100
/// while any real error (a missing 1/S, α, weight or intercept term) moves
/// derivatives by ≳ 1e-3.
const FD_TOL: f64 = 1e-7;

/// Two analytic computations of the same quantity that differ only by
/// rounding (summation order, fused vs. separate passes).
const ROUNDING_TOL: f64 = 1e-12;

const N: usize = 17;
const D: usize = 3;
const K: usize = 3;

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
}

/// n×d features in [−2, 2), binary targets, k-class indices (every class
/// present), and non-uniform weights in [0.1, 3).
struct Data {
    x: Array2<f64>,
    y: Array1<f64>,
    class: Vec<usize>,
    weight: Array1<f64>,
}

fn make_data(seed: u64) -> Data {
    let mut rng = Lcg(seed);
    let x = Array2::from_shape_fn((N, D), |_| rng.range(-2.0, 2.0));
    let y = Array1::from_shape_fn(N, |i| {
        if i < 2 {
            i as f64
        } else {
            f64::from(rng.uniform() < 0.5)
        }
    });
    let class = (0..N)
        .map(|i| {
            if i < K {
                i
            } else {
                (rng.uniform() * K as f64) as usize
            }
        })
        .collect();
    let weight = Array1::from_shape_fn(N, |_| rng.range(0.1, 3.0));
    Data {
        x,
        y,
        class,
        weight,
    }
}

/// Random non-zero parameters in ±[0.2, 1).
fn params(n: usize, seed: u64) -> Array1<f64> {
    let mut rng = Lcg(seed);
    Array1::from_shape_fn(n, |_| {
        let v = rng.range(0.2, 1.0);
        if rng.uniform() < 0.5 { -v } else { v }
    })
}

/// Every objective under test on `data`: binary and multinomial, with and
/// without intercept, α ∈ {0, 0.3}, with the non-uniform weights.
fn objectives(data: &Data) -> Vec<(String, Box<dyn Objective<f64> + '_>)> {
    let mut all: Vec<(String, Box<dyn Objective<f64> + '_>)> = Vec::new();
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3] {
            let binary = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid binary objective");
            let multinomial = Multinomial::new(
                data.x.view(),
                data.class.clone(),
                K,
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid multinomial objective");
            let tag = format!("intercept={fit_intercept}, alpha={alpha}");
            all.push((format!("binary ({tag})"), Box::new(binary)));
            all.push((format!("multinomial ({tag})"), Box::new(multinomial)));
        }
    }
    all
}

fn grad(objective: &dyn Objective<f64>, at: ArrayView1<'_, f64>) -> (f64, Array1<f64>) {
    let mut g = Array1::zeros(objective.n_params());
    let value = objective.value_grad(at, g.view_mut());
    (value, g)
}

fn hess_vec(
    objective: &dyn Objective<f64>,
    at: ArrayView1<'_, f64>,
    v: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let mut out = Array1::zeros(objective.n_params());
    objective.hess_vec(at, v, out.view_mut());
    out
}

/// Central difference of `f` along `direction`, step h.
fn central<T>(
    f: impl Fn(ArrayView1<'_, f64>) -> T,
    at: &Array1<f64>,
    direction: &Array1<f64>,
    h: f64,
) -> (T, T) {
    let plus = at + &(direction * h);
    let minus = at - &(direction * h);
    (f(plus.view()), f(minus.view()))
}

fn unit(n: usize, j: usize) -> Array1<f64> {
    let mut e = Array1::zeros(n);
    e[j] = 1.0;
    e
}

fn step(theta: f64) -> f64 {
    STEP * theta.abs().max(1.0)
}

#[test]
fn gradient_matches_central_differences() {
    let data = make_data(1);
    for (name, objective) in objectives(&data) {
        let n = objective.n_params();
        let at = params(n, 2);
        let (value, analytic) = grad(objective.as_ref(), at.view());
        assert_abs_diff_eq!(value, objective.value(at.view()), epsilon = ROUNDING_TOL);
        let numeric = Array1::from_shape_fn(n, |j| {
            let h = step(at[j]);
            let (plus, minus) = central(|p| objective.value(p), &at, &unit(n, j), h);
            (plus - minus) / (2.0 * h)
        });
        let largest = analytic.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
        assert!(largest > 1e-2, "{name}: a vanishing gradient tests little");
        assert_abs_diff_eq!(analytic, numeric, epsilon = FD_TOL);
        println!(
            "{name}: max |grad − FD| = {:e}",
            (&analytic - &numeric)
                .mapv(f64::abs)
                .fold(0.0, |m: f64, &v| m.max(v))
        );
    }
}

#[test]
fn hessian_matches_central_differences_of_the_gradient() {
    let data = make_data(3);
    for (name, objective) in objectives(&data) {
        let n = objective.n_params();
        let at = params(n, 4);
        let analytic = objective.hessian(at.view());
        assert_eq!(analytic.dim(), (n, n), "{name}");
        let mut numeric = Array2::zeros((n, n));
        for j in 0..n {
            let h = step(at[j]);
            let (plus, minus) = central(|p| grad(objective.as_ref(), p).1, &at, &unit(n, j), h);
            numeric.column_mut(j).assign(&((plus - minus) / (2.0 * h)));
        }
        assert_abs_diff_eq!(analytic, numeric, epsilon = FD_TOL);
        assert_abs_diff_eq!(analytic, analytic.t(), epsilon = ROUNDING_TOL);
        println!(
            "{name}: max |H − FD| = {:e}",
            (&analytic - &numeric)
                .mapv(f64::abs)
                .fold(0.0, |m: f64, &v| m.max(v))
        );
    }
}

#[test]
fn hess_vec_matches_hessian_times_vector_and_differences() {
    let data = make_data(5);
    for (name, objective) in objectives(&data) {
        let n = objective.n_params();
        let at = params(n, 6);
        let v = params(n, 7);
        let product = hess_vec(objective.as_ref(), at.view(), v.view());
        let dense = objective.hessian(at.view()).dot(&v);
        assert!(
            dense.iter().any(|x| x.abs() > 1e-2),
            "{name}: H·v should not vanish"
        );
        assert_abs_diff_eq!(product, dense, epsilon = ROUNDING_TOL);
        // Directional difference of the gradient along v.
        let h = STEP;
        let (plus, minus) = central(|p| grad(objective.as_ref(), p).1, &at, &v, h);
        assert_abs_diff_eq!(product, (plus - minus) / (2.0 * h), epsilon = FD_TOL);
        // Linear in v, and H·eⱼ is the j-th column.
        let doubled = hess_vec(objective.as_ref(), at.view(), (&v * 2.0).view());
        assert_abs_diff_eq!(doubled, &product * 2.0, epsilon = ROUNDING_TOL);
        let hessian = objective.hessian(at.view());
        for j in 0..n {
            let column = hess_vec(objective.as_ref(), at.view(), unit(n, j).view());
            assert_abs_diff_eq!(column, hessian.column(j), epsilon = ROUNDING_TOL);
        }
    }
}

#[test]
fn value_at_zero_is_ln2_or_ln_k_for_any_weights() {
    let data = make_data(8);
    for weight in [
        None,
        Some(data.weight.clone()),
        Some(data.weight.mapv(|w| w * w * 100.0)),
    ] {
        for fit_intercept in [true, false] {
            let binary = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                weight.clone(),
                0.7,
                fit_intercept,
            )
            .expect("valid");
            let zero = Array1::zeros(binary.n_params());
            assert_abs_diff_eq!(binary.value(zero.view()), 2f64.ln(), epsilon = 1e-15);
            for k in [2, 3, 5] {
                let class = data.class.iter().map(|&c| c % k).collect();
                let multinomial =
                    Multinomial::new(data.x.view(), class, k, weight.clone(), 0.7, fit_intercept)
                        .expect("valid");
                let zero = Array1::zeros(multinomial.n_params());
                assert_abs_diff_eq!(
                    multinomial.value(zero.view()),
                    (k as f64).ln(),
                    epsilon = 1e-15
                );
            }
        }
    }
}

/// (1/S) Σ sᵢ (ln(1 + e^ηᵢ) − yᵢηᵢ) + α/2 ‖w‖², written out naively.
fn naive_binary(data: &Data, alpha: f64, fit_intercept: bool, theta: &Array1<f64>) -> f64 {
    let w = theta.slice(ndarray::s![..D]);
    let b = if fit_intercept { theta[D] } else { 0.0 };
    let mut total = 0.0;
    let mut s = 0.0;
    for i in 0..N {
        let eta = data.x.row(i).dot(&w) + b;
        total += data.weight[i] * ((1.0 + eta.exp()).ln() - data.y[i] * eta);
        s += data.weight[i];
    }
    total / s + alpha / 2.0 * w.dot(&w)
}

/// (1/S) Σ sᵢ (ln Σ_c e^ηᵢ꜀ − ηᵢ,yᵢ) + α/2 ‖W‖², written out naively.
fn naive_multinomial(data: &Data, alpha: f64, fit_intercept: bool, theta: &Array1<f64>) -> f64 {
    let w = theta.slice(ndarray::s![..K * D]);
    let mut total = 0.0;
    let mut s = 0.0;
    for i in 0..N {
        let eta: Vec<f64> = (0..K)
            .map(|c| {
                let b = if fit_intercept { theta[K * D + c] } else { 0.0 };
                (0..D)
                    .map(|j| theta[c * D + j] * data.x[(i, j)])
                    .sum::<f64>()
                    + b
            })
            .collect();
        let lse = eta.iter().map(|e| e.exp()).sum::<f64>().ln();
        total += data.weight[i] * (lse - eta[data.class[i]]);
        s += data.weight[i];
    }
    total / s + alpha / 2.0 * w.dot(&w)
}

#[test]
fn value_equals_naive_weighted_mean_plus_penalty_on_coefficients_only() {
    let mut data = make_data(9);
    // Fractional targets are allowed for the binary loss.
    data.y[5] = 0.25;
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3, 2.0] {
            let binary = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let mut theta = params(binary.n_params(), 10);
            for _ in 0..2 {
                assert_abs_diff_eq!(
                    binary.value(theta.view()),
                    naive_binary(&data, alpha, fit_intercept, &theta),
                    epsilon = ROUNDING_TOL
                );
                // A large intercept must not be penalized.
                if fit_intercept {
                    theta[D] = 5.0;
                }
            }
            let multinomial = Multinomial::new(
                data.x.view(),
                data.class.clone(),
                K,
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let mut theta = params(multinomial.n_params(), 11);
            for _ in 0..2 {
                assert_abs_diff_eq!(
                    multinomial.value(theta.view()),
                    naive_multinomial(&data, alpha, fit_intercept, &theta),
                    epsilon = ROUNDING_TOL
                );
                if fit_intercept {
                    theta[K * D + 1] = -4.0;
                }
            }
        }
    }
}

/// Asserts that two objectives agree in value, gradient, Hessian and H·v at
/// random parameters.
fn assert_same_objective(name: &str, a: &dyn Objective<f64>, b: &dyn Objective<f64>, seed: u64) {
    assert_eq!(a.n_params(), b.n_params(), "{name}");
    let at = params(a.n_params(), seed);
    let v = params(a.n_params(), seed + 1);
    let (va, ga) = grad(a, at.view());
    let (vb, gb) = grad(b, at.view());
    assert_abs_diff_eq!(va, vb, epsilon = ROUNDING_TOL);
    assert_abs_diff_eq!(ga, gb, epsilon = ROUNDING_TOL);
    assert_abs_diff_eq!(
        a.hessian(at.view()),
        b.hessian(at.view()),
        epsilon = ROUNDING_TOL
    );
    assert_abs_diff_eq!(
        hess_vec(a, at.view(), v.view()),
        hess_vec(b, at.view(), v.view()),
        epsilon = ROUNDING_TOL
    );
}

#[test]
fn scaling_all_weights_changes_nothing() {
    let data = make_data(12);
    let mut scaled = make_data(12);
    scaled.weight.mapv_inplace(|w| w * 37.25);
    for ((name, a), (_, b)) in objectives(&data).into_iter().zip(objectives(&scaled)) {
        assert_same_objective(&name, a.as_ref(), b.as_ref(), 13);
    }
    // And the weights do matter: unit weights give another objective.
    let unit_weights = Data {
        weight: Array1::ones(N),
        ..make_data(12)
    };
    let (_, a) = &objectives(&data)[0];
    let (_, b) = &objectives(&unit_weights)[0];
    let at = params(a.n_params(), 13);
    assert!((a.value(at.view()) - b.value(at.view())).abs() > 1e-3);
}

#[test]
fn integer_weights_equal_repeated_rows() {
    let mut data = make_data(14);
    // Weights 0, 1, 2, 3, … (0 drops the row).
    data.weight = Array1::from_shape_fn(N, |i| (i % 4) as f64);
    let repeats: Vec<usize> = (0..N).flat_map(|i| std::iter::repeat_n(i, i % 4)).collect();
    let repeated = Data {
        x: data.x.select(Axis(0), &repeats),
        y: data.y.select(Axis(0), &repeats),
        class: repeats.iter().map(|&i| data.class[i]).collect(),
        weight: Array1::ones(repeats.len()),
    };
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3] {
            let tag = format!("intercept={fit_intercept}, alpha={alpha}");
            let weighted = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let rows = BinaryLogistic::new(
                repeated.x.view(),
                repeated.y.clone(),
                None,
                alpha,
                fit_intercept,
            )
            .expect("valid");
            assert_same_objective(&format!("binary {tag}"), &weighted, &rows, 15);
            let weighted = Multinomial::new(
                data.x.view(),
                data.class.clone(),
                K,
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let rows = Multinomial::new(
                repeated.x.view(),
                repeated.class.clone(),
                K,
                None,
                alpha,
                fit_intercept,
            )
            .expect("valid");
            assert_same_objective(&format!("multinomial {tag}"), &weighted, &rows, 16);
        }
    }
}

#[test]
fn value_grad_rows_over_all_rows_equals_value_grad() {
    let data = make_data(17);
    let all: Vec<usize> = (0..N).collect();
    let shuffled: Vec<usize> = (0..N).map(|i| (i * 7 + 3) % N).collect();
    for (name, objective) in objectives(&data) {
        let at = params(objective.n_params(), 18);
        let (value, full) = grad(objective.as_ref(), at.view());
        for rows in [&all, &shuffled] {
            let mut g = Array1::zeros(objective.n_params());
            let v = objective.value_grad_rows(at.view(), rows, g.view_mut());
            assert_abs_diff_eq!(v, value, epsilon = ROUNDING_TOL);
            assert_abs_diff_eq!(g, full, epsilon = ROUNDING_TOL);
        }
        // A strict subset is a different (minibatch) objective.
        let mut g = Array1::zeros(objective.n_params());
        let v = objective.value_grad_rows(at.view(), &all[..5], g.view_mut());
        assert!(
            (v - value).abs() > 1e-4,
            "{name}: a minibatch should differ from the full value"
        );
    }
}

#[test]
fn value_grad_rows_of_a_subset_is_the_objective_of_those_rows() {
    let data = make_data(19);
    let rows = [0, 2, 3, 7, 11, 12, 16];
    let subset = Data {
        x: data.x.select(Axis(0), &rows),
        y: data.y.select(Axis(0), &rows),
        class: rows.iter().map(|&i| data.class[i]).collect(),
        weight: data.weight.select(Axis(0), &rows),
    };
    for ((name, full), (_, sub)) in objectives(&data).into_iter().zip(objectives(&subset)) {
        let at = params(full.n_params(), 20);
        let mut g = Array1::zeros(full.n_params());
        let v = full.value_grad_rows(at.view(), &rows, g.view_mut());
        let (v_sub, g_sub) = grad(sub.as_ref(), at.view());
        assert_abs_diff_eq!(v, v_sub, epsilon = ROUNDING_TOL);
        assert_abs_diff_eq!(g, g_sub, epsilon = ROUNDING_TOL);
        println!("{name}: minibatch ok");
    }
}

#[test]
fn f32_agrees_with_f64() {
    // f32 has ε ≈ 6e-8; sums of N = 17 terms of size O(1) (and the
    // GEMMs) keep the error near 1e-6, so 1e-5 absolute on O(1) quantities.
    const TOL: f64 = 1e-5;
    let data = make_data(21);
    let x32 = data.x.mapv(|v| v as f32);
    let y32 = data.y.mapv(|v| v as f32);
    let w32 = data.weight.mapv(|v| v as f32);
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3] {
            let b64 = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let b32 = BinaryLogistic::new(
                x32.view(),
                y32.clone(),
                Some(w32.clone()),
                alpha as f32,
                fit_intercept,
            )
            .expect("valid");
            let m64 = Multinomial::new(
                data.x.view(),
                data.class.clone(),
                K,
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let m32 = Multinomial::new(
                x32.view(),
                data.class.clone(),
                K,
                Some(w32.clone()),
                alpha as f32,
                fit_intercept,
            )
            .expect("valid");
            let pairs: [(&dyn Objective<f64>, &dyn Objective<f32>); 2] =
                [(&b64, &b32), (&m64, &m32)];
            for (o64, o32) in pairs {
                let n = o64.n_params();
                // Round the parameters to f32 first so both see the same point.
                let at32 = params(n, 22).mapv(|v| v as f32);
                let v32 = params(n, 23).mapv(|v| v as f32);
                let at = at32.mapv(f64::from);
                let v = v32.mapv(f64::from);
                let widen = |a: Array1<f32>| a.mapv(f64::from);
                let (value, g) = grad(o64, at.view());
                let mut g32 = Array1::zeros(n);
                let value32 = o32.value_grad(at32.view(), g32.view_mut());
                assert_abs_diff_eq!(f64::from(value32), value, epsilon = TOL);
                assert_abs_diff_eq!(widen(g32), g, epsilon = TOL);
                assert_abs_diff_eq!(
                    o32.hessian(at32.view()).mapv(f64::from),
                    o64.hessian(at.view()),
                    epsilon = TOL
                );
                let mut hv32 = Array1::zeros(n);
                o32.hess_vec(at32.view(), v32.view(), hv32.view_mut());
                assert_abs_diff_eq!(
                    widen(hv32),
                    hess_vec(o64, at.view(), v.view()),
                    epsilon = TOL
                );
                assert_eq!(o32.redundant_params(), o64.redundant_params());
            }
        }
    }
}

/// Lower-triangular Cholesky factor of a symmetric matrix; `None` when a
/// pivot is ≤ `floor` (not numerically positive definite).
fn cholesky(a: &Array2<f64>, floor: f64) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let pivot = a[(j, j)] - (0..j).map(|k| l[(j, k)] * l[(j, k)]).sum::<f64>();
        if pivot <= floor {
            return None;
        }
        l[(j, j)] = pivot.sqrt();
        for i in j + 1..n {
            l[(i, j)] =
                (a[(i, j)] - (0..j).map(|k| l[(i, k)] * l[(j, k)]).sum::<f64>()) / l[(j, j)];
        }
    }
    Some(l)
}

/// Drops the given rows and columns.
fn without(a: &Array2<f64>, drop: &[usize]) -> Array2<f64> {
    let keep: Vec<usize> = (0..a.nrows()).filter(|i| !drop.contains(i)).collect();
    a.select(Axis(0), &keep).select(Axis(1), &keep)
}

#[test]
fn multinomial_is_invariant_to_common_shifts_as_redundant_params_says() {
    let data = make_data(24);
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3] {
            let tag = format!("intercept={fit_intercept}, alpha={alpha}");
            let objective = Multinomial::new(
                data.x.view(),
                data.class.clone(),
                K,
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            let n = objective.n_params();
            let at = params(n, 25);
            let (value, g) = grad(&objective, at.view());
            let hessian = objective.hessian(at.view());

            // Shift directions: the same change for every class.
            let intercept_shift =
                Array1::from_shape_fn(n, |i| f64::from(u8::from(fit_intercept && i >= K * D)));
            let coef_shift = Array1::from_shape_fn(n, |i| {
                if i < K * D {
                    [0.5, -1.0, 2.0][i % D]
                } else {
                    0.0
                }
            });
            let moved = |direction: &Array1<f64>| {
                let shifted = &at + &(direction * 1.7);
                grad(&objective, shifted.view())
            };

            let mut expected = Vec::new();
            if alpha == 0.0 {
                expected.extend((K - 1) * D..K * D);
                let (v, g2) = moved(&coef_shift);
                assert_abs_diff_eq!(v, value, epsilon = ROUNDING_TOL);
                assert_abs_diff_eq!(g2, g, epsilon = ROUNDING_TOL);
                assert_abs_diff_eq!(
                    hessian.dot(&coef_shift),
                    Array1::zeros(n),
                    epsilon = ROUNDING_TOL
                );
            } else {
                // The penalty pins the coefficients: a common shift costs.
                let (v, _) = moved(&coef_shift);
                assert!(
                    v - value > 1e-3,
                    "{tag}: coefficient shift should change the penalized value"
                );
                assert_abs_diff_eq!(
                    hessian.dot(&coef_shift),
                    &coef_shift * alpha,
                    epsilon = ROUNDING_TOL
                );
            }
            if fit_intercept {
                expected.push(K * D + K - 1);
                let (v, g2) = moved(&intercept_shift);
                assert_abs_diff_eq!(v, value, epsilon = ROUNDING_TOL);
                assert_abs_diff_eq!(g2, g, epsilon = ROUNDING_TOL);
                assert_abs_diff_eq!(
                    hessian.dot(&intercept_shift),
                    Array1::zeros(n),
                    epsilon = ROUNDING_TOL
                );
                // Hence the intercept gradients sum to zero.
                assert_abs_diff_eq!(
                    g.slice(ndarray::s![K * D..]).sum(),
                    0.0,
                    epsilon = ROUNDING_TOL
                );
            }
            let redundant = objective.redundant_params();
            assert_eq!(redundant, expected, "{tag}");

            // Holding the redundant parameters fixed removes every flat
            // direction; without that the Hessian is singular.
            assert!(
                cholesky(&without(&hessian, &redundant), 1e-8).is_some(),
                "{tag}: Hessian without the redundant parameters should be positive definite"
            );
            if !redundant.is_empty() {
                assert!(
                    cholesky(&hessian, 1e-8).is_none(),
                    "{tag}: full Hessian should be singular"
                );
            }
        }
    }
}

#[test]
fn binary_objective_has_no_redundant_params_and_a_definite_hessian() {
    let data = make_data(26);
    for fit_intercept in [true, false] {
        for alpha in [0.0, 0.3] {
            let objective = BinaryLogistic::new(
                data.x.view(),
                data.y.clone(),
                Some(data.weight.clone()),
                alpha,
                fit_intercept,
            )
            .expect("valid");
            assert!(objective.redundant_params().is_empty());
            assert_eq!(objective.n_params(), D + usize::from(fit_intercept));
            assert_eq!(objective.n_samples(), N);
            let at = params(objective.n_params(), 27);
            assert!(cholesky(&objective.hessian(at.view()), 1e-8).is_some());
        }
    }
}

#[test]
fn parameter_counts_and_layout() {
    let data = make_data(28);
    let objective =
        Multinomial::new(data.x.view(), data.class.clone(), K, None, 0.0, true).expect("valid");
    assert_eq!(objective.n_params(), K * D + K);
    // Class-major coefficients: θ[c·d + j] multiplies x_j for class c only.
    // Moving class 1's weight on feature 2 changes only class 1's scores.
    let mut at = Array1::zeros(objective.n_params());
    at[D + 2] = 1.0;
    let expected = naive_multinomial(&data_unit_weights(&data), 0.0, true, &at);
    assert_abs_diff_eq!(objective.value(at.view()), expected, epsilon = ROUNDING_TOL);
    let objective =
        Multinomial::new(data.x.view(), data.class.clone(), K, None, 0.0, false).expect("valid");
    assert_eq!(objective.n_params(), K * D);
}

fn data_unit_weights(data: &Data) -> Data {
    Data {
        x: data.x.clone(),
        y: data.y.clone(),
        class: data.class.clone(),
        weight: Array1::ones(N),
    }
}

// ---- input validation ----

fn binary(
    x: &Array2<f64>,
    y: Array1<f64>,
    weight: Option<Array1<f64>>,
    alpha: f64,
) -> Result<(), Error> {
    BinaryLogistic::new(x.view(), y, weight, alpha, true).map(|_| ())
}

fn multinomial(
    x: &Array2<f64>,
    class: Vec<usize>,
    k: usize,
    weight: Option<Array1<f64>>,
    alpha: f64,
) -> Result<(), Error> {
    Multinomial::new(x.view(), class, k, weight, alpha, true).map(|_| ())
}

#[test]
fn constructors_reject_non_finite_features() {
    let data = make_data(30);
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = data.x.clone();
        x[(4, 2)] = bad;
        let at = Err(Error::NonFiniteEntry {
            what: "x",
            row: 4,
            column: 2,
            feature: None,
        });
        assert_eq!(binary(&x, data.y.clone(), None, 0.1), at);
        assert_eq!(multinomial(&x, data.class.clone(), K, None, 0.1), at);
    }
}

#[test]
fn constructors_reject_bad_weights() {
    let data = make_data(31);
    let mut negative = data.weight.clone();
    negative[6] = -0.5;
    let is_negative = |r: Result<(), Error>| matches!(r, Err(Error::NegativeWeight { what: "sample_weight", index: 6, value }) if (value + 0.5).abs() < 1e-15);
    assert!(is_negative(binary(
        &data.x,
        data.y.clone(),
        Some(negative.clone()),
        0.1
    )));
    assert!(is_negative(multinomial(
        &data.x,
        data.class.clone(),
        K,
        Some(negative),
        0.1
    )));

    let mut nan = data.weight.clone();
    nan[3] = f64::NAN;
    let non_finite = Err(Error::NonFinite {
        what: "sample_weight",
        index: 3,
    });
    assert_eq!(
        binary(&data.x, data.y.clone(), Some(nan.clone()), 0.1),
        non_finite
    );
    assert_eq!(
        multinomial(&data.x, data.class.clone(), K, Some(nan), 0.1),
        non_finite
    );

    let short = Array1::ones(N - 1);
    let mismatch = Err(Error::LengthMismatch {
        what: "sample_weight",
        expected: N,
        got: N - 1,
    });
    assert_eq!(
        binary(&data.x, data.y.clone(), Some(short.clone()), 0.1),
        mismatch
    );
    assert_eq!(
        multinomial(&data.x, data.class.clone(), K, Some(short), 0.1),
        mismatch
    );

    let zeros = Array1::zeros(N);
    assert_eq!(
        binary(&data.x, data.y.clone(), Some(zeros.clone()), 0.1),
        Err(Error::ZeroTotalWeight)
    );
    assert_eq!(
        multinomial(&data.x, data.class.clone(), K, Some(zeros), 0.1),
        Err(Error::ZeroTotalWeight)
    );

    // Zero weights on some rows are fine.
    let mut some_zero = data.weight.clone();
    some_zero[0] = 0.0;
    assert_eq!(
        binary(&data.x, data.y.clone(), Some(some_zero), 0.1),
        Ok(())
    );
}

#[test]
fn constructors_reject_wrong_target_length() {
    let data = make_data(32);
    let short = data.y.slice(ndarray::s![..N - 1]).to_owned();
    assert_eq!(
        binary(&data.x, short, None, 0.1),
        Err(Error::LengthMismatch {
            what: "y",
            expected: N,
            got: N - 1
        })
    );
    let mut long = data.class.clone();
    long.push(0);
    assert_eq!(
        multinomial(&data.x, long, K, None, 0.1),
        Err(Error::LengthMismatch {
            what: "y",
            expected: N,
            got: N + 1
        })
    );
}

#[test]
fn constructors_reject_bad_alpha() {
    let data = make_data(33);
    for alpha in [-0.1, -f64::MIN_POSITIVE, f64::NAN, f64::INFINITY] {
        let is_alpha =
            |r: Result<(), Error>| matches!(r, Err(Error::InvalidParameter { name: "alpha", .. }));
        assert!(
            is_alpha(binary(&data.x, data.y.clone(), None, alpha)),
            "alpha = {alpha}"
        );
        assert!(
            is_alpha(multinomial(&data.x, data.class.clone(), K, None, alpha)),
            "alpha = {alpha}"
        );
    }
    assert_eq!(binary(&data.x, data.y.clone(), None, 0.0), Ok(()));
}

#[test]
fn binary_rejects_targets_outside_unit_interval() {
    let data = make_data(34);
    for bad in [-0.01, 1.01, 2.0, -1.0] {
        let mut y = data.y.clone();
        y[9] = bad;
        let r = binary(&data.x, y, None, 0.1);
        assert!(
            matches!(r, Err(Error::InvalidParameter { name: "y", .. })),
            "y = {bad}: {r:?}"
        );
    }
    let mut y = data.y.clone();
    y[9] = f64::NAN;
    assert_eq!(
        binary(&data.x, y, None, 0.1),
        Err(Error::NonFinite {
            what: "y",
            index: 9
        })
    );
    // The closed interval is fine, fractions included.
    assert_eq!(
        binary(
            &data.x,
            array![0.0, 1.0, 0.5]
                .iter()
                .cycle()
                .take(N)
                .copied()
                .collect(),
            None,
            0.1
        ),
        Ok(())
    );
}

#[test]
fn multinomial_rejects_bad_classes() {
    let data = make_data(35);
    let mut class = data.class.clone();
    class[2] = K;
    let r = multinomial(&data.x, class, K, None, 0.1);
    assert!(
        matches!(r, Err(Error::InvalidParameter { name: "y", .. })),
        "{r:?}"
    );
    assert_eq!(
        multinomial(&data.x, vec![0; N], 1, None, 0.1),
        Err(Error::TooFewClasses { found: 1 })
    );
}

#[test]
fn constructors_reject_empty_data() {
    let empty = Array2::<f64>::zeros((0, D));
    assert_eq!(
        binary(&empty, Array1::zeros(0), None, 0.1),
        Err(Error::EmptyData)
    );
    assert_eq!(
        multinomial(&empty, vec![], K, None, 0.1),
        Err(Error::EmptyData)
    );
    let no_columns = Array2::<f64>::zeros((4, 0));
    assert_eq!(
        binary(&no_columns, Array1::zeros(4), None, 0.1),
        Err(Error::NoFeatures { rows: 4 })
    );
    assert_eq!(
        multinomial(&no_columns, vec![0, 1, 0, 1], K, None, 0.1),
        Err(Error::NoFeatures { rows: 4 })
    );
}
