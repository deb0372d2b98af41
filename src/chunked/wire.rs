//! Byte encodings of a [`FirstPass`] and a [`ChunkProblem`], so that an
//! engine's workers in other processes can compute first passes and
//! partial sums (format version 2, little-endian).
//!
//! Both start with a 4-byte magic (`LRFP`, `LRCP`) and a u16 version, then
//! the fields in declaration order: counts as u64, floats as f64 bits,
//! vectors as a u64 length and their items, labels as a u64 length and the
//! bytes the caller's label encoder wrote. The problem's floats are stored
//! as f64 whatever `F` is (exact for f32).

use super::first_pass::{FirstPass, Moments};
use super::problem::{ChunkProblem, RunKind};
use crate::error::PartialSumsError;
use crate::objective::ClassSums;
use crate::standardize::Scaling;
use crate::{Error, Float, Result};

const FIRST_PASS_MAGIC: &[u8; 4] = b"LRFP";
const PROBLEM_MAGIC: &[u8; 4] = b"LRCP";
/// The newest format version this build writes and reads.
const VERSION: u16 = 2;

/// Appends fields to a byte buffer.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn start(magic: &[u8; 4]) -> Self {
        let mut w = Self(magic.to_vec());
        w.0.extend_from_slice(&VERSION.to_le_bytes());
        w
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    fn floats(&mut self, values: impl ExactSizeIterator<Item = f64>) {
        self.u64(values.len() as u64);
        values.for_each(|v| self.f64(v));
    }

    fn labels<L>(&mut self, labels: &[L], encode: &dyn Fn(&L) -> Vec<u8>) {
        self.u64(labels.len() as u64);
        for label in labels {
            let bytes = encode(label);
            self.u64(bytes.len() as u64);
            self.0.extend_from_slice(&bytes);
        }
    }
}

/// Reads fields back, with typed errors for short or corrupt bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn corrupt(what: &'static str) -> Error {
    Error::PartialSums(PartialSumsError::Corrupt(what))
}

impl<'a> Reader<'a> {
    fn start(bytes: &'a [u8], magic: &[u8; 4]) -> Result<Self> {
        let mut r = Self { bytes, at: 0 };
        if r.take(4)? != magic {
            return Err(Error::PartialSums(PartialSumsError::NotPartialSums));
        }
        let version = u16::from_le_bytes([r.take(1)?[0], r.take(1)?[0]]);
        if version > VERSION {
            return Err(Error::PartialSums(PartialSumsError::FutureVersion {
                found: version,
                supported: VERSION,
            }));
        }
        if version == 0 {
            return Err(corrupt("format version 0"));
        }
        Ok(r)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::PartialSums(PartialSumsError::Truncated {
                needed: self.at.saturating_add(n),
                got: self.bytes.len(),
            }));
        };
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    /// A length or count, bounded by the bytes left (each item takes at
    /// least `item_bytes`), so corrupt lengths never allocate.
    fn len(&mut self, item_bytes: usize) -> Result<usize> {
        let n = usize::try_from(self.u64()?).map_err(|_| corrupt("length too large"))?;
        let left = self.bytes.len() - self.at;
        if n.saturating_mul(item_bytes.max(1)) > left {
            return Err(corrupt("length beyond the bytes given"));
        }
        Ok(n)
    }

    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    fn floats(&mut self) -> Result<Vec<f64>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.f64()).collect()
    }

    fn floats_of(&mut self, expected: usize) -> Result<Vec<f64>> {
        let values = self.floats()?;
        if values.len() != expected {
            return Err(corrupt("a vector's length differs from the features"));
        }
        Ok(values)
    }

    fn labels<L: Ord>(&mut self, decode: &dyn Fn(&[u8]) -> Result<L>) -> Result<Vec<L>> {
        let n = self.len(8)?;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let len = self.len(1)?;
            labels.push(decode(self.take(len)?)?);
        }
        if labels.windows(2).any(|w| w[0] >= w[1]) {
            return Err(corrupt("classes not sorted and distinct"));
        }
        Ok(labels)
    }

    fn finish(self) -> Result<()> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(corrupt("trailing bytes"))
        }
    }
}

impl<L: Clone + Ord> FirstPass<L> {
    /// The first pass as bytes (magic `LRFP`, format version 2), with each
    /// label written by `label`: for an engine whose workers compute first
    /// passes in other processes.
    ///
    /// ```
    /// use logreg::chunked::{Chunk, FirstPass};
    /// use ndarray::array;
    /// let x = array![[1.0_f64, 2.0], [3.0, -1.0]];
    /// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![7_i64, 9].into(), None), 0)?;
    /// let bytes = first.to_bytes(|l| l.to_le_bytes().to_vec());
    /// let back = FirstPass::from_bytes(&bytes, |b| {
    ///     b.try_into().map(i64::from_le_bytes).map_err(|_| logreg::Error::EmptyData)
    /// })?;
    /// assert_eq!(back, first);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn to_bytes(&self, label: impl Fn(&L) -> Vec<u8>) -> Vec<u8> {
        let mut w = Writer::start(FIRST_PASS_MAGIC);
        w.u64(self.n_features as u64);
        w.labels(&self.classes, &label);
        for c in 0..self.classes.len() {
            w.u64(self.class_rows[c]);
            w.f64(self.class_weight[c]);
            let m = &self.moments[c];
            w.f64(m.weight);
            w.floats(m.mean.iter().copied());
            w.floats(m.m2.iter().copied());
        }
        w.floats(self.max_abs.iter().copied());
        match &self.class_sums {
            Some(sums) => {
                w.u64(1);
                w.floats(sums.weights().iter().copied());
                w.floats(sums.sums().iter().copied());
            }
            None => w.u64(0),
        }
        w.0
    }

    /// Decodes [`to_bytes`](Self::to_bytes)' output, each label read by
    /// `label`.
    ///
    /// # Errors
    /// [`Error::PartialSums`] for truncated, corrupt or future-version
    /// bytes (or classes not sorted and distinct); `label`'s errors.
    pub fn from_bytes(bytes: &[u8], label: impl Fn(&[u8]) -> Result<L>) -> Result<Self> {
        let mut r = Reader::start(bytes, FIRST_PASS_MAGIC)?;
        let d = r.len(0)?;
        let classes = r.labels(&label)?;
        let mut pass = Self::empty(classes, d);
        for c in 0..pass.classes.len() {
            pass.class_rows[c] = r.u64()?;
            pass.class_weight[c] = r.f64()?;
            let weight = r.f64()?;
            let (mean, m2) = (r.floats_of(d)?, r.floats_of(d)?);
            pass.moments[c] = Moments { weight, mean, m2 };
        }
        pass.max_abs = r.floats_of(d)?;
        pass.class_sums = match r.u64()? {
            0 => None,
            1 => {
                let k = pass.classes.len();
                let weights = r.floats_of(k)?;
                let sums = r.floats_of(k.saturating_mul(d))?;
                ClassSums::from_parts(d, weights, sums)
            }
            _ => return Err(corrupt("class sums flag")),
        };
        r.finish()?;
        Ok(pass)
    }
}

impl<F: Float, L: Clone + Ord> ChunkProblem<F, L> {
    /// The problem as bytes (magic `LRCP`, format version 2), with each
    /// label written by `label`: what a worker in another process needs to
    /// compute [`partial`](Self::partial) sums.
    ///
    /// ```
    /// use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let chunk = Chunk::new(x.view().into(), vec![0_i64, 1, 0, 1].into(), None);
    /// let settings = LogisticRegression::new().standardize(true);
    /// let problem = ChunkProblem::new(&settings, FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let bytes = problem.to_bytes(|l| l.to_le_bytes().to_vec());
    /// let there = ChunkProblem::<f64, i64>::from_bytes(&bytes, |b| {
    ///     b.try_into().map(i64::from_le_bytes).map_err(|_| logreg::Error::EmptyData)
    /// })?;
    /// let params = array![0.3, -0.2];
    /// assert_eq!(there.partial(&chunk, params.view(), true)?, problem.partial(&chunk, params.view(), true)?);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn to_bytes(&self, label: impl Fn(&L) -> Vec<u8>) -> Vec<u8> {
        let mut w = Writer::start(PROBLEM_MAGIC);
        w.u64(self.n_features as u64);
        w.u64(self.n_rows);
        w.u64(u64::from(self.fit_intercept));
        w.u64(match self.run {
            RunKind::Binary => 0,
            RunKind::Multinomial => 1,
            RunKind::OneVsRest { positive } => 2 + positive as u64,
        });
        w.labels(&self.classes, &label);
        for v in [self.weight_sum, self.alpha, self.l1] {
            w.f64(v.to_f64_lossy());
        }
        let lossless = |v: &Vec<F>| v.iter().map(|v| v.to_f64_lossy()).collect::<Vec<_>>();
        match &self.multipliers {
            Some(m) => {
                w.u64(1);
                w.floats(lossless(m).into_iter());
            }
            None => w.u64(0),
        }
        match &self.scaling {
            Some(scaling) => {
                w.u64(1);
                for part in scaling.parts() {
                    w.floats(part.iter().map(|v| v.to_f64_lossy()));
                }
            }
            None => w.u64(0),
        }
        w.0
    }

    /// Decodes [`to_bytes`](Self::to_bytes)' output, each label read by
    /// `label`.
    ///
    /// # Errors
    /// [`Error::PartialSums`] for truncated, corrupt or future-version
    /// bytes; `label`'s errors.
    pub fn from_bytes(bytes: &[u8], label: impl Fn(&[u8]) -> Result<L>) -> Result<Self> {
        let mut r = Reader::start(bytes, PROBLEM_MAGIC)?;
        let n_features = r.len(0)?;
        let n_rows = r.u64()?;
        let fit_intercept = match r.u64()? {
            0 => false,
            1 => true,
            _ => return Err(corrupt("intercept flag not 0 or 1")),
        };
        let run = match r.u64()? {
            0 => RunKind::Binary,
            1 => RunKind::Multinomial,
            c => RunKind::OneVsRest {
                positive: usize::try_from(c - 2).map_err(|_| corrupt("class index"))?,
            },
        };
        let classes = r.labels(&label)?;
        let k = classes.len();
        let valid = match run {
            RunKind::Binary => k == 2,
            RunKind::OneVsRest { positive } => positive < k,
            RunKind::Multinomial => k >= 2,
        };
        if !valid {
            return Err(corrupt("run does not fit the classes"));
        }
        let [weight_sum, alpha, l1] = [r.f64()?, r.f64()?, r.f64()?].map(F::from_f64_lossy);
        let multipliers = match r.u64()? {
            0 => None,
            1 => {
                let m = r.floats()?;
                if m.len() != k {
                    return Err(corrupt(
                        "class multipliers differ in number from the classes",
                    ));
                }
                Some(m.into_iter().map(F::from_f64_lossy).collect())
            }
            _ => return Err(corrupt("class-weight flag not 0 or 1")),
        };
        let scaling = match r.u64()? {
            0 => None,
            1 => {
                let mut part = || -> Result<_> {
                    Ok(r.floats_of(n_features)?
                        .into_iter()
                        .map(F::from_f64_lossy)
                        .collect())
                };
                let (unit, mean, scale) = (part()?, part()?, part()?);
                Some(Scaling::from_parts(unit, mean, scale))
            }
            _ => return Err(corrupt("scaling flag not 0 or 1")),
        };
        r.finish()?;
        Ok(Self {
            classes,
            multipliers,
            weight_sum,
            standardize: scaling.is_some(),
            scaling,
            alpha,
            l1,
            fit_intercept,
            n_features,
            n_rows,
            run,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::LogisticRegression;
    use crate::chunked::Chunk;
    use crate::weights::ClassWeight;
    use ndarray::array;

    fn text(label: &String) -> Vec<u8> {
        label.as_bytes().to_vec()
    }

    fn untext(bytes: &[u8]) -> Result<String> {
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("label not UTF-8"))
    }

    fn first_pass() -> FirstPass<String> {
        let x = array![[1.0_f64, -2.0], [3.0, 0.5], [2.0, 2.0], [-1.0, 4.0]];
        let y: Vec<String> = ["b", "a", "c", "a"].iter().map(|s| s.to_string()).collect();
        let w = array![1.0, 2.0, 0.5, 1.5];
        FirstPass::of_chunk(&Chunk::new(x.view().into(), y.into(), Some(w.into())), 0).unwrap()
    }

    #[test]
    fn a_first_pass_survives_the_round_trip() {
        let first = first_pass();
        let back = FirstPass::from_bytes(&first.to_bytes(text), untext).unwrap();
        assert_eq!(back, first);
    }

    #[test]
    fn problems_of_every_run_survive_the_round_trip() {
        let settings = LogisticRegression::new()
            .standardize(true)
            .class_weight(ClassWeight::Balanced)
            .alpha(0.3);
        for run in [
            RunKind::Multinomial,
            RunKind::OneVsRest { positive: 2 },
            RunKind::OneVsRest { positive: 0 },
        ] {
            let problem = ChunkProblem::<f64, String>::new(&settings, first_pass(), run).unwrap();
            let back =
                ChunkProblem::<f64, String>::from_bytes(&problem.to_bytes(text), untext).unwrap();
            assert_eq!(back.to_bytes(text), problem.to_bytes(text));
            assert_eq!(back.run, run);
            assert_eq!(back.classes, problem.classes);
        }
    }

    #[test]
    fn damaged_bytes_are_refused_with_a_typed_error() {
        let problem = ChunkProblem::<f64, String>::new(
            &LogisticRegression::new(),
            first_pass(),
            RunKind::Multinomial,
        )
        .unwrap();
        let bytes = problem.to_bytes(text);
        for cut in [0, 3, 6, 20, bytes.len() - 1] {
            let err = ChunkProblem::<f64, String>::from_bytes(&bytes[..cut], untext).unwrap_err();
            assert!(matches!(err, Error::PartialSums(_)), "{cut}: {err:?}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            ChunkProblem::<f64, String>::from_bytes(&longer, untext).unwrap_err(),
            corrupt("trailing bytes")
        );
        let mut future = bytes.clone();
        future[4] = 9;
        assert!(matches!(
            ChunkProblem::<f64, String>::from_bytes(&future, untext).unwrap_err(),
            Error::PartialSums(PartialSumsError::FutureVersion { found: 9, .. })
        ));
        let first = first_pass().to_bytes(text);
        assert_eq!(
            ChunkProblem::<f64, String>::from_bytes(&first, untext).unwrap_err(),
            Error::PartialSums(PartialSumsError::NotPartialSums)
        );
        // A huge announced length must not allocate: it is refused.
        let mut huge = first.clone();
        huge[6..14].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(FirstPass::<String>::from_bytes(&huge, untext).is_err());
    }
}
