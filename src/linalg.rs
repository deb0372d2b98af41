//! Dense linear algebra for Newton and inference: a GEMM, a symmetric
//! rank-k update and a Cholesky.
//!
//! faer by default; LAPACK/BLAS through ndarray-linalg under the `lapack`
//! feature. Both give the same answers up to rounding.

#[cfg(not(feature = "lapack"))]
pub(crate) use faer_backend::{cholesky_solve_many, gemm_tn_add, gram_lower_add};
#[cfg(feature = "lapack")]
pub(crate) use lapack_backend::{cholesky_solve_many, gemm_tn_add, gram_lower_add};

#[cfg(not(feature = "lapack"))]
mod faer_backend {
    use faer::linalg::matmul::triangular::BlockStructure;
    use faer::linalg::solvers::Solve;
    use faer::traits::RealField;
    use faer::{Accum, Par, Side};
    use faer_ext::{IntoFaer, IntoNdarray};
    use ndarray::{Array2, ArrayView2, ArrayViewMut2};

    fn parallelism(work: usize) -> Par {
        // Below ~1e6 flops, thread start-up costs more than it saves.
        if work < 1 << 20 {
            Par::Seq
        } else {
            Par::rayon(0)
        }
    }

    pub(crate) fn gemm_tn_add<T: RealField + Copy>(
        acc: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
    ) {
        let work = a.nrows() * a.ncols() * b.ncols();
        faer::linalg::matmul::matmul(
            acc.into_faer(),
            Accum::Add,
            a.t().into_faer(),
            b.into_faer(),
            T::one_impl(),
            parallelism(work),
        );
        clear_upper_vector_state();
    }

    /// The lower triangle (with the diagonal) of `acc += aᵀa`, the upper one
    /// untouched: a symmetric rank-k update, half the flops of a GEMM.
    pub(crate) fn gram_lower_add<T: RealField + Copy>(
        acc: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
    ) {
        faer::linalg::matmul::triangular::matmul(
            acc.into_faer(),
            BlockStructure::TriangularLower,
            Accum::Add,
            a.t().into_faer(),
            BlockStructure::Rectangular,
            a.into_faer(),
            BlockStructure::Rectangular,
            T::one_impl(),
            Par::Seq,
        );
        clear_upper_vector_state();
    }

    pub(crate) fn cholesky_solve_many<T: RealField + Copy>(
        h: ArrayView2<'_, T>,
        rhs: ArrayView2<'_, T>,
    ) -> Option<Array2<T>> {
        let llt = h.into_faer().llt(Side::Lower).ok();
        let x = llt.map(|llt| llt.solve(rhs.into_faer()));
        clear_upper_vector_state();
        Some(x?.as_ref().into_ndarray().to_owned())
    }

    /// faer's AVX-512 kernels return with the upper halves of the vector
    /// registers dirty. Until a `vzeroupper`, code built for the baseline
    /// target (SSE), and glibc's `exp` called from it, ran many times slower
    /// on this crate's test machine: softmax probabilities of 50,000 × 10
    /// scores took 120 ms after a GEMM and 6 ms after this (issue 21).
    fn clear_upper_vector_state() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX, all that `vzeroupper` needs; it
            // only zeroes bits no live value holds between function calls.
            unsafe { std::arch::x86_64::_mm256_zeroupper() }
        }
    }
}

#[cfg(feature = "lapack")]
mod lapack_backend {
    use ndarray::{Array2, ArrayView2, ArrayViewMut2, LinalgScalar};
    use ndarray_linalg::{FactorizeC, Lapack, Scalar, SolveC, UPLO};

    pub(crate) fn gemm_tn_add<T: LinalgScalar>(
        mut acc: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
    ) {
        // With ndarray's `blas` feature this is one BLAS gemm.
        ndarray::linalg::general_mat_mul(T::one(), &a.t(), &b, T::one(), &mut acc);
    }

    /// `acc += aᵀa` in full (ndarray-linalg has no SYRK); callers read the
    /// lower triangle only.
    pub(crate) fn gram_lower_add<T: LinalgScalar>(acc: ArrayViewMut2<'_, T>, a: ArrayView2<'_, T>) {
        gemm_tn_add(acc, a, a);
    }

    pub(crate) fn cholesky_solve_many<T: Scalar + Lapack>(
        h: ArrayView2<'_, T>,
        rhs: ArrayView2<'_, T>,
    ) -> Option<Array2<T>> {
        let factor = h.to_owned().factorizec(UPLO::Lower).ok()?;
        let mut out = rhs.to_owned();
        for mut column in out.columns_mut() {
            let solved = factor.solvec(&column.to_owned()).ok()?;
            column.assign(&solved);
        }
        Some(out)
    }
}
