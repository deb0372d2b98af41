//! The byte encoding of [`PartialSums`] (format version 1, little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `LRPS` |
//! | 2 | format version (u16) |
//! | 1 | float width of the data: 4 (f32) or 8 (f64) |
//! | 1 | flags: bit 0 intercepts, bit 1 Hessian |
//! | 4 | rows of coefficients (u32: 1, or k) |
//! | 4 | features (u32) |
//! | 8 | rows summed (u64) |
//! | 8 | weight sum (f64) |
//! | 8 | loss sum (f64) |
//! | 8·p | gradient (f64), p parameters |
//! | 8·p² | Hessian (f64, row-major), with flag bit 1 |

use super::partial::{PartialSums, Shape};
use crate::error::PartialSumsError;
use crate::{Error, Result};

const MAGIC: &[u8; 4] = b"LRPS";
/// The newest format version this build writes and reads.
const VERSION: u16 = 1;
const HEADER: usize = 4 + 2 + 1 + 1 + 4 + 4 + 8 + 8 + 8;

impl PartialSums {
    /// The sums as bytes (format version 1, little-endian; the table in
    /// the module's source), for another process's [`from_bytes`](Self::from_bytes).
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, PartialSums, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let sums = problem.partial(&chunk, array![0.3, -0.1].view(), true)?;
    /// let bytes = sums.to_bytes();
    /// assert_eq!(bytes.len(), 40 + 8 * 2 + 8 * 4);
    /// assert_eq!(PartialSums::from_bytes(&bytes)?, sums);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let p = self.shape.n_params();
        let mut out = Vec::with_capacity(HEADER + 8 * (p + p * p));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.shape.float_bytes);
        let flags = u8::from(self.shape.fit_intercept) | (u8::from(self.hessian.is_some()) << 1);
        out.push(flags);
        out.extend_from_slice(&self.shape.outputs.to_le_bytes());
        out.extend_from_slice(&self.shape.n_features.to_le_bytes());
        out.extend_from_slice(&self.n_rows.to_le_bytes());
        for v in [self.weight_sum, self.loss] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in self.grad.iter().chain(self.hessian.iter().flatten()) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Decodes [`to_bytes`](Self::to_bytes)' output.
    ///
    /// ```
    /// use logreg::chunked::PartialSums;
    /// use logreg::{Error, PartialSumsError};
    /// let err = PartialSums::from_bytes(b"not partial sums at all, longer than a header....").unwrap_err();
    /// assert_eq!(err, Error::PartialSums(PartialSumsError::NotPartialSums));
    /// ```
    ///
    /// # Errors
    /// [`Error::PartialSums`]: truncated bytes, no magic, a future format
    /// version, an invalid header, or trailing bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let fail = |e: PartialSumsError| Error::PartialSums(e);
        if bytes.len() < 6 {
            return Err(fail(PartialSumsError::Truncated {
                needed: HEADER,
                got: bytes.len(),
            }));
        }
        if &bytes[..4] != MAGIC {
            return Err(fail(PartialSumsError::NotPartialSums));
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version > VERSION {
            return Err(fail(PartialSumsError::FutureVersion {
                found: version,
                supported: VERSION,
            }));
        }
        if version == 0 {
            return Err(fail(PartialSumsError::Corrupt("format version 0")));
        }
        if bytes.len() < HEADER {
            return Err(fail(PartialSumsError::Truncated {
                needed: HEADER,
                got: bytes.len(),
            }));
        }
        let float_bytes = bytes[6];
        if float_bytes != 4 && float_bytes != 8 {
            return Err(fail(PartialSumsError::Corrupt("float width not 4 or 8")));
        }
        let flags = bytes[7];
        if flags > 3 {
            return Err(fail(PartialSumsError::Corrupt("unknown flags")));
        }
        let u32_at = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let u64_at = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let shape = Shape {
            float_bytes,
            outputs: u32_at(8),
            n_features: u32_at(12),
            fit_intercept: flags & 1 == 1,
        };
        if shape.outputs == 0 {
            return Err(fail(PartialSumsError::Corrupt("zero outputs")));
        }
        let with_hessian = flags & 2 == 2;
        let p = shape.n_params();
        let values = p
            .checked_mul(p)
            .filter(|_| with_hessian)
            .unwrap_or(0)
            .checked_add(p)
            .and_then(|v| v.checked_mul(8))
            .and_then(|v| v.checked_add(HEADER));
        let needed = match values {
            Some(needed) if !with_hessian || p.checked_mul(p).is_some() => needed,
            _ => return Err(fail(PartialSumsError::Corrupt("shape too large"))),
        };
        if bytes.len() < needed {
            return Err(fail(PartialSumsError::Truncated {
                needed,
                got: bytes.len(),
            }));
        }
        if bytes.len() > needed {
            return Err(fail(PartialSumsError::Corrupt("trailing bytes")));
        }
        let f64_at = |at: usize| f64::from_bits(u64_at(at));
        let floats = |from: usize, count: usize| -> Vec<f64> {
            (0..count).map(|i| f64_at(from + 8 * i)).collect()
        };
        Ok(Self {
            shape,
            n_rows: u64_at(16),
            weight_sum: f64_at(24),
            loss: f64_at(32),
            grad: floats(HEADER, p),
            hessian: with_hessian.then(|| floats(HEADER + 8 * p, p * p)),
        })
    }
}
