//! What crosses processes besides the crate's own encodings: the request
//! literal of each query, the accumulators' state (partials tagged with
//! the process that computed them) and the functions' result.
//!
//! All little-endian, each behind a 4-byte magic and a version byte, read
//! with length checks so that damaged bytes give an error, not a panic.

use logreg::chunked::{ChunkProblem, ParquetLabel};
use ndarray::Array1;

const REQUEST_MAGIC: &[u8; 4] = b"LRRQ";
const STATE_MAGIC: &[u8; 4] = b"LRST";
const RESULT_MAGIC: &[u8; 4] = b"LRRS";
const VERSION: u8 = 1;

/// Bytes that are not what this version writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("damaged or foreign bytes ({0}): are the workers and the driver the same version?")]
pub struct WireError(pub &'static str);

type Wire<T> = std::result::Result<T, WireError>;

/// What one query asks the workers for.
#[derive(Debug, Clone)]
pub enum Request {
    /// The first pass: classes, counts, weights, moments.
    FirstPass {
        /// Whether the argument after the label is a weight column.
        weighted: bool,
    },
    /// The partial sums of `problem` at `params`.
    Sums {
        /// Whether the argument after the label is a weight column.
        weighted: bool,
        /// With the Hessian's sums.
        hessian: bool,
        /// The problem.
        problem: Box<ChunkProblem<f64, ParquetLabel>>,
        /// The parameters.
        params: Array1<f64>,
    },
}

impl Request {
    /// Whether the argument after the label is a weight column.
    pub fn weighted(&self) -> bool {
        match self {
            Request::FirstPass { weighted } | Request::Sums { weighted, .. } => *weighted,
        }
    }

    /// The request as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = REQUEST_MAGIC.to_vec();
        out.push(VERSION);
        match self {
            Request::FirstPass { weighted } => out.extend([0, u8::from(*weighted), 0]),
            Request::Sums {
                weighted,
                hessian,
                problem,
                params,
            } => {
                out.extend([1, u8::from(*weighted), u8::from(*hessian)]);
                put_bytes(&mut out, &problem.to_bytes(ParquetLabel::to_bytes));
                put_u64(&mut out, params.len() as u64);
                params
                    .iter()
                    .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
            }
        }
        out
    }

    /// The request [`to_bytes`](Self::to_bytes) wrote.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Self, RequestError> {
        let mut r = Reader::new(bytes, REQUEST_MAGIC)?;
        let [kind, weighted, hessian] = [r.u8()?, r.u8()?, r.u8()?];
        let weighted = weighted != 0;
        match kind {
            0 => Ok(Request::FirstPass { weighted }),
            1 => {
                let problem = ChunkProblem::from_bytes(r.bytes()?, ParquetLabel::from_bytes)?;
                let n = r.len(8)?;
                let params = (0..n).map(|_| r.f64()).collect::<Wire<Array1<f64>>>()?;
                Ok(Request::Sums {
                    weighted,
                    hessian: hessian != 0,
                    problem: Box::new(problem),
                    params,
                })
            }
            _ => Err(WireError("request kind").into()),
        }
    }
}

/// A request that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The request's own bytes.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The problem inside it.
    #[error(transparent)]
    Problem(#[from] logreg::Error),
}

/// One partition's partial result, tagged with the process that computed
/// it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    /// The encoded partial (first pass or sums); first, so that sorting
    /// items orders them by content.
    pub bytes: Vec<u8>,
    /// The process id of the worker.
    pub pid: u32,
}

/// The accumulators' state: any number of items.
pub fn items_to_bytes(items: &[Item]) -> Vec<u8> {
    let mut out = STATE_MAGIC.to_vec();
    out.push(VERSION);
    put_u64(&mut out, items.len() as u64);
    for item in items {
        out.extend_from_slice(&item.pid.to_le_bytes());
        put_bytes(&mut out, &item.bytes);
    }
    out
}

/// The items [`items_to_bytes`] wrote.
pub fn items_from_bytes(bytes: &[u8]) -> Wire<Vec<Item>> {
    let mut r = Reader::new(bytes, STATE_MAGIC)?;
    let n = r.len(12)?;
    (0..n)
        .map(|_| {
            let pid = r.u32()?;
            Ok(Item {
                pid,
                bytes: r.bytes()?.to_vec(),
            })
        })
        .collect()
}

/// What a function returns: the merged partial, how many partials went
/// into it and the distinct worker processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    /// The merged partial (empty when the table had no rows).
    pub merged: Vec<u8>,
    /// Partials merged (one per partition that saw rows).
    pub partials: usize,
    /// Process ids of the workers, sorted.
    pub pids: Vec<u32>,
}

impl Reduced {
    /// The result as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = RESULT_MAGIC.to_vec();
        out.push(VERSION);
        put_u64(&mut out, self.partials as u64);
        put_u64(&mut out, self.pids.len() as u64);
        self.pids
            .iter()
            .for_each(|p| out.extend_from_slice(&p.to_le_bytes()));
        put_bytes(&mut out, &self.merged);
        out
    }

    /// The result [`to_bytes`](Self::to_bytes) wrote.
    pub fn from_bytes(bytes: &[u8]) -> Wire<Self> {
        let mut r = Reader::new(bytes, RESULT_MAGIC)?;
        let partials = r.len(0)?;
        let n = r.len(4)?;
        let pids = (0..n).map(|_| r.u32()).collect::<Wire<_>>()?;
        let merged = r.bytes()?.to_vec();
        Ok(Reduced {
            merged,
            partials,
            pids,
        })
    }
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u64(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], magic: &[u8; 4]) -> Wire<Self> {
        let mut r = Reader { bytes };
        if r.take(4)? != magic {
            return Err(WireError("magic"));
        }
        if r.u8()? != VERSION {
            return Err(WireError("version"));
        }
        Ok(r)
    }

    fn take(&mut self, n: usize) -> Wire<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(WireError("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Wire<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Wire<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().map_err(|_| WireError("u32"))?,
        ))
    }

    fn u64(&mut self) -> Wire<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().map_err(|_| WireError("u64"))?,
        ))
    }

    fn f64(&mut self) -> Wire<f64> {
        self.u64().map(f64::from_bits)
    }

    /// A count of items of at least `item_bytes` each, refused when the
    /// rest cannot hold them (no allocation from a damaged length).
    fn len(&mut self, item_bytes: usize) -> Wire<usize> {
        let n = usize::try_from(self.u64()?).map_err(|_| WireError("length"))?;
        if n.saturating_mul(item_bytes) > self.bytes.len() {
            return Err(WireError("length"));
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Wire<&'a [u8]> {
        let n = self.len(1)?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_results_round_trip_and_damage_is_an_error() {
        let items = vec![
            Item {
                bytes: vec![1, 2, 3],
                pid: 7,
            },
            Item {
                bytes: vec![],
                pid: 9,
            },
        ];
        let bytes = items_to_bytes(&items);
        assert_eq!(items_from_bytes(&bytes).unwrap(), items);
        for cut in 0..bytes.len() {
            assert!(items_from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let reduced = Reduced {
            merged: vec![4, 5],
            partials: 3,
            pids: vec![1, 2],
        };
        let bytes = reduced.to_bytes();
        assert_eq!(Reduced::from_bytes(&bytes).unwrap(), reduced);
        for cut in 0..bytes.len() {
            assert!(Reduced::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = bytes.clone();
        huge[5..13].copy_from_slice(&u64::MAX.to_le_bytes());
        huge[13..21].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(Reduced::from_bytes(&huge).is_err());
        assert_eq!(
            Reduced::from_bytes(&items_to_bytes(&items)),
            Err(WireError("magic"))
        );
    }

    #[test]
    fn a_first_pass_request_round_trips() {
        let bytes = Request::FirstPass { weighted: true }.to_bytes();
        assert!(Request::from_bytes(&bytes).unwrap().weighted());
        assert!(Request::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    }
}
