//! Choosing a solver: by name at run time, or automatically by problem size.

use super::{
    Adam, CoordinateDescent, Fista, GradientDescent, Lbfgs, Newton, Observer, Saga, Sgd, Solution,
    Solver, StopRule,
};
use crate::objective::{Objective, Row};
use crate::{Error, Float, Result};
use ndarray::Array1;

/// The default solver: [`Newton`] for up to `newton_max_params` parameters
/// (up to `tall_newton_max_params` on tall dense binary data), [`Lbfgs`]
/// above.
///
/// Newton converges in a handful of iterations but each one costs
/// O(n·p²) for the Hessian and O(p³) for its Cholesky factor; L-BFGS costs
/// O(n·p) per iteration but needs more of them. The default threshold, 64
/// parameters, is where the two cross on this crate's benchmark
/// (`cargo bench --bench solvers -- crossover`; binary problems with
/// n = 20,000 correlated rows, α = 1e-3, tol 1e-6, 2 cores): Newton took
/// 6.2 / 11 / 27 / 114 / 269 ms at 11 / 26 / 51 / 101 / 201 parameters,
/// L-BFGS 5.1 / 17 / 37 / 36 / 69 ms. Newton still reaches a far tighter
/// optimum per iteration; set the threshold higher when you need that.
///
/// On tall data L-BFGS's many passes run from memory instead of cache,
/// while Newton's Hessians are compute-bound products, so binary
/// objectives with dense rows and at least 1e7 values of X (80 MB in f64)
/// use Newton up to `tall_newton_max_params` parameters (default 201).
/// Measured with the `fit` example (issue 21's sixth round, first
/// fit in a process, best of 3, tol 1e-6; BENCHMARKS.md): Newton against
/// L-BFGS took 92 against 105 ms on 1e5 × 100, 117 against 159 ms on
/// 1e5 × 127, 306 against 481 ms on 3e5 × 127, 206 against 238 ms on
/// 1e5 × 200 and 779 against 1,092 ms on 1e6 × 100 (490 against 697 ms in
/// f32), but 38 against 29 ms on 4e4 × 100 and 49 against 36 ms on
/// 4e4 × 127 (X of 4e6 and 5e6 values).
///
/// With an L1 or elastic-net term ([`Objective::l1_penalty`] > 0), which
/// Newton and L-BFGS cannot minimize, it picks [`CoordinateDescent`] for up
/// to `cd_max_params` parameters (any number by default) and [`Fista`]
/// above. On the crate's objectives coordinate descent reads X by column
/// and never forms the Hessian, so it costs O(nnz) per sweep whatever the
/// width (dense data with at most 256 parameters keep the Hessian model,
/// which is faster there). On a 1,500 × 3,000 bag-of-words lasso, issue 22
/// measured FISTA's eight separate fits at 31.5 s; one run of the same kind
/// here took 4.3–7.9 s by coordinate descent (BENCHMARKS.md, "Wide L1
/// paths"); no crossover back to FISTA was measured at any width
/// (`cargo bench --bench solvers -- l1_crossover` covers dense data up to
/// 401 parameters only). An objective
/// without row access ([`Objective::as_rows`] is `None`) gives coordinate
/// descent only its dense Hessian; for those `Auto` keeps the old limit of
/// 256 parameters, where the Hessian model and FISTA crossed.
///
/// ```
/// use logreg::LogisticRegression;
/// use logreg::solver::Auto;
/// use ndarray::array;
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0, 0, 1, 1];
/// let model = LogisticRegression::new().solver(Auto::new().newton_max_params(0)).fit(&x, &y)?;
/// assert!(model.report().converged());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Auto {
    newton_max_params: usize,
    tall_newton_max_params: usize,
    cd_max_params: usize,
}

impl Default for Auto {
    fn default() -> Self {
        Self {
            newton_max_params: 64,
            tall_newton_max_params: 201,
            cd_max_params: usize::MAX,
        }
    }
}

/// Values of X (rows × features) from which dense binary data count as
/// tall for [`Auto::tall_newton_max_params`].
const TALL_VALUES: usize = 10_000_000;

impl Auto {
    /// Newton up to 64 parameters (201 on tall dense binary data), L-BFGS
    /// above.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Auto, Newton, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-10, 100)?;
    /// let auto = Auto::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// let newton = Newton::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert_eq!(auto, newton); // 3 parameters ≤ 64: Newton
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest number of parameters for which Newton is used (on tall
    /// dense binary data the larger of this and
    /// [`tall_newton_max_params`](Self::tall_newton_max_params)).
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Auto, Lbfgs, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-10, 100)?;
    /// let small = Auto::new().newton_max_params(2);
    /// let auto = small.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// let lbfgs = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert_eq!(auto, lbfgs); // 3 parameters > 2: L-BFGS
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn newton_max_params(mut self, newton_max_params: usize) -> Self {
        self.newton_max_params = newton_max_params;
        self
    }

    /// The largest number of parameters for which Newton is used on a
    /// binary objective with dense rows and at least 1e7 values of X
    /// (default 201; see [`Auto`] for the measurements). A limit below
    /// `newton_max_params` has no effect.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::Auto;
    /// use ndarray::array;
    /// // Newton only up to 64 parameters, however tall the data.
    /// let auto = Auto::new().tall_newton_max_params(0);
    /// let settings = LogisticRegression::<f64>::new().solver(auto);
    /// let model = settings.fit(&array![[0.0], [1.0], [2.0], [3.0]], &array![0, 1, 0, 1])?;
    /// assert!(model.report().converged());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    /// (tests/solvers_deterministic.rs checks the choice on 100,000 × 100.)
    pub fn tall_newton_max_params(mut self, tall_newton_max_params: usize) -> Self {
        self.tall_newton_max_params = tall_newton_max_params;
        self
    }

    /// The largest number of parameters for which `objective` gets Newton.
    fn newton_limit<F: Float>(&self, objective: &dyn Objective<F>) -> usize {
        let tall_dense_binary = objective.as_rows().is_some_and(|rows| {
            rows.outputs() == 1
                && rows.n_features().saturating_mul(objective.n_samples()) >= TALL_VALUES
                && matches!(rows.row(0), Row::Dense(_))
        });
        if tall_dense_binary {
            self.newton_max_params.max(self.tall_newton_max_params)
        } else {
            self.newton_max_params
        }
    }

    /// The largest number of parameters for which an L1 or elastic-net fit
    /// uses [`CoordinateDescent`] (no limit by default); [`Fista`] above.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Auto, Fista, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let lasso = BinaryLogistic::new(x.view(), y, None, 0.0, true)?.with_l1(0.05)?;
    /// let stop = StopRule::new(1e-10, 10_000)?;
    /// let small = Auto::new().cd_max_params(2);
    /// let auto = small.minimize(&lasso, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// let fista = Fista::new().minimize(&lasso, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert_eq!(auto, fista); // 3 parameters > 2: FISTA
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn cd_max_params(mut self, cd_max_params: usize) -> Self {
        self.cd_max_params = cd_max_params;
        self
    }
}

impl<F: Float> Solver<F> for Auto {
    fn name(&self) -> &'static str {
        "auto"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        if objective.l1_penalty() > F::zero() {
            let limit = if objective.as_rows().is_some() {
                self.cd_max_params
            } else {
                self.cd_max_params.min(HESSIAN_CD_MAX_PARAMS)
            };
            if objective.n_params() <= limit {
                CoordinateDescent::new().minimize(objective, start, stop, observer)
            } else {
                Fista::new().minimize(objective, start, stop, observer)
            }
        } else if objective.n_params() <= self.newton_limit(objective) {
            Newton::new().minimize(objective, start, stop, observer)
        } else {
            Lbfgs::new().minimize(objective, start, stop, observer)
        }
    }
}

/// Above this many parameters an objective without row access gets FISTA:
/// coordinate descent would need its p × p Hessian.
const HESSIAN_CD_MAX_PARAMS: usize = 256;

/// A solver with default settings by name: `"auto"`, `"newton"`, `"lbfgs"`,
/// `"gd"`, `"sgd"`, `"adam"`, `"cd"`, `"fista"` or `"saga"` — for command lines and
/// other crates' configs.
///
/// ```
/// use logreg::LogisticRegression;
/// let solver = logreg::solver::by_name::<f64>("lbfgs")?;
/// assert_eq!(solver.name(), "lbfgs");
/// let settings = LogisticRegression::new().solver(solver);
/// # let _ = settings;
/// assert!(logreg::solver::by_name::<f64>("simplex").is_err());
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for an unknown name.
pub fn by_name<F: Float>(name: &str) -> Result<Box<dyn Solver<F>>> {
    Ok(match name {
        "auto" => Box::new(Auto::new()),
        "newton" => Box::new(Newton::new()),
        "lbfgs" => Box::new(Lbfgs::new()),
        "gd" => Box::new(GradientDescent::<F>::new()),
        "sgd" => Box::new(Sgd::<F>::new()),
        "adam" => Box::new(Adam::<F>::new()),
        "cd" => Box::new(CoordinateDescent::new()),
        "fista" => Box::new(Fista::new()),
        "saga" => Box::new(Saga::new()),
        other => {
            return Err(Error::invalid(
                "solver",
                other,
                "must be one of auto, newton, lbfgs, gd, sgd, adam, cd, fista, saga",
            ));
        }
    })
}
