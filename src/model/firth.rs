//! The fit of [`Penalty::Firth`](crate::Penalty::Firth): its own Newton run
//! (objective::firth) in place of the solver, on binary dense problems.

use super::FittedLogisticRegression;
use super::fit::Labelled;
use super::settings::LogisticRegression;
use crate::multiclass::{Design, Fit, Strategy, binary_targets};
use crate::objective::firth::FirthData;
use crate::solver::{FitReport, StopRule, Termination};
use crate::standardize::Scaling;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2};

impl<F: Float> LogisticRegression<F> {
    pub(super) fn fit_firth<L>(
        &self,
        labelled: Labelled<F, L>,
        strategy: Strategy,
        x: Design<'_, F>,
        scaling: Option<&Scaling<F>>,
        stop: &StopRule<F>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        if strategy != Strategy::Binary {
            return Err(Error::invalid(
                "penalty",
                format!("Firth with {} classes", labelled.classes.len()),
                "Firth's penalized likelihood is implemented for binary problems only: \
                 fit one class against another, or use Penalty::L2",
            ));
        }
        let Some(x) = x.dense() else {
            return Err(Error::invalid(
                "penalty",
                "Firth on CSR input",
                "Firth's penalized likelihood needs dense features",
            ));
        };
        let target = binary_targets::<F>(&labelled.class, 1);
        let (Some(y), Some(weight)) = (target.as_slice(), labelled.weight.as_slice()) else {
            unreachable!("owned one-dimensional arrays are contiguous")
        };
        let data = FirthData {
            x,
            y,
            weight,
            fit_intercept: self.fit_intercept,
            firth: true,
        };
        let tol = stop.tol().to_f64_lossy();
        let start = vec![0.0; data.n_params()];
        let solved = data
            .newton(start, None, tol, stop.max_iter())
            .ok_or(Error::SingularInformation)?;
        let total: f64 = weight.iter().map(|w| w.to_f64_lossy()).sum();
        let termination = if solved.converged {
            Termination::Converged
        } else if solved.iterations >= stop.max_iter() {
            Termination::MaxIterations
        } else {
            Termination::LineSearchFailed
        };
        let report = FitReport::new(
            solved.iterations,
            F::from_f64_lossy(-solved.point.loglik / total),
            F::from_f64_lossy(solved.score_max / total),
            termination,
        );
        let d = x.ncols();
        let mut coef = Array2::from_shape_fn((1, d), |(_, j)| F::from_f64_lossy(solved.params[j]));
        let mut intercept = Array1::from_elem(
            1,
            if self.fit_intercept {
                F::from_f64_lossy(solved.params[d])
            } else {
                F::zero()
            },
        );
        if let Some(scaling) = scaling {
            scaling.to_original(&mut coef, &mut intercept)?;
        }
        let fit = Fit {
            coef,
            intercept,
            reports: vec![report],
            diagnostics: Vec::new(),
        };
        Ok(FittedLogisticRegression::new(
            labelled.classes,
            strategy,
            fit,
            self.record(F::zero(), F::zero()),
        ))
    }
}
