"""Reference values for tests/kernels.rs, computed with mpmath at 60 digits.

Run from the repository root, in a virtual environment outside the repo:

    python3 -m venv /work/venv-mp && /work/venv-mp/bin/pip install mpmath
    /work/venv-mp/bin/python tests/reference/kernels_reference.py > tests/common/kernel_tables.rs
    cargo fmt

It prints the whole module tests/common/kernel_tables.rs (the tables that
tests/kernels.rs checks the kernels against); do not edit that file by hand.

Every input is first rounded to the target type (f64 or f32) and the reference
is computed at that exact binary value. Each output is printed with 40
significant digits, so the Rust compiler's correctly rounded literal parsing
gives the exact value rounded to the target type (the reference the tests
compare against, in ulps of that type).

Where a formula cancels (softplus(η) − y·η, logsumexp(η) − η_c, η − logsumexp),
the working precision is raised by the number of digits the cancellation can
lose, and the result is cross-checked against a cancellation-free identity.
"""
import struct

import mpmath
from mpmath import mp, mpf

mp.dps = 60
DIGITS = 40
# Far below the smallest subnormal of f64 (4.9e-324): such values round to 0.
TINY = mpf(10) ** -400


def to_f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


F64_MAX = 1.7976931348623157e308
F32_MAX = to_f32(3.4028234663852886e38)

F64_POINTS = [
    0.0, 1e-300, 1e-20, 1e-5, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 12.0, 15.0,
    17.9, 18.0, 18.5, 20.0, 22.0, 25.0, 27.0, 30.0, 33.0, 33.3, 33.4, 35.0,
    36.9, 37.0, 37.5, 40.0, 45.0, 50.0, 60.0, 100.0, 200.0, 500.0, 700.0,
    709.0, 710.0, 740.0, 745.0, 800.0, 1e5, 1e300, F64_MAX,
]
F32_POINTS = [
    0.0, 1e-38, 1e-20, 1e-5, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 8.9, 9.0, 9.5, 10.0,
    11.0, 12.0, 12.5, 13.0, 14.0, 15.0, 16.0, 16.6, 16.7, 16.8, 17.0, 17.5,
    20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 87.0, 88.0, 89.0, 100.0, 103.0, 104.0,
    200.0, 1e5, 1e38, F32_MAX,
]


def extra_dps(*values):
    """Digits a cancellation between terms of these magnitudes can lose."""
    m = max(abs(mpf(v)) for v in values)
    if m < 10:
        return 10
    # e^-|η| next to |η|: about |η|/ln 10 + log10|η| digits. The first part
    # is capped at |η| = 1000: past ~745 the small term underflows every
    # binary type anyway, and the residual error (10^-(60+434+20)) stays far
    # below the smallest subnormal.
    return int(min(m, mpf(1000)) / mpmath.log(10) + mpmath.log10(m)) + 20


def softplus(x):
    return mpmath.log1p(mpmath.exp(x))


def logsumexp(row):
    m = max(row)
    return m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in row))


def check_same(a, b, what):
    """a and b agree to 50 digits, or both round to 0 in every binary type."""
    if abs(a) < TINY and abs(b) < TINY:
        return
    assert abs(a - b) <= mpf(10) ** -50 * abs(b), (what, a, b)


def bce(y, eta):
    """softplus(η) − y·η at raised precision, checked against softplus((1−2y)η)."""
    with mp.workdps(60 + extra_dps(eta)):
        eta = mpf(eta)
        naive = softplus(eta) - y * eta
        identity = softplus(-eta) if y == 1 else softplus(eta)
        check_same(naive, identity, ("bce", y, eta))
    return +naive


def mce(row, c):
    """logsumexp(η) − η_c at raised precision."""
    with mp.workdps(60 + extra_dps(*row)):
        row = [mpf(v) for v in row]
        naive = logsumexp(row) - row[c]
        # Identity: ln Σ_j exp(η_j − η_c), no cancellation.
        identity = mpmath.log(mpmath.fsum(mpmath.exp(v - row[c]) for v in row))
        check_same(naive, identity, ("mce", row, c))
    return +naive


def log_softmax(row):
    with mp.workdps(60 + extra_dps(*row)):
        row = [mpf(v) for v in row]
        lse = logsumexp(row)
        out = [v - lse for v in row]
        for v, o in zip(row, out):
            ident = -mpmath.log(mpmath.fsum(mpmath.exp(u - v) for u in row))
            check_same(o, ident, ("log_softmax", row))
    return [+o for o in out]


def softmax(row):
    row = [mpf(v) for v in row]
    m = max(row)
    e = [mpmath.exp(v - m) for v in row]
    s = mpmath.fsum(e)
    return [v / s for v in e]


def lit(x):
    x = mpf(x)
    if abs(x) < TINY:
        return "0.0"
    s = mpmath.nstr(x, DIGITS, min_fixed=1, max_fixed=0, strip_zeros=False)
    return s.replace("e+", "e")


def inp(x):
    """An input already representable in the target type: its exact digits."""
    return repr(float(x)).replace("e+", "e")


def scalar_table(name, points, conv, ty):
    print("/// (η, softplus, log_sigmoid, sigmoid, bce(0, η), bce(1, η),")
    print("///  multinomial_cross_entropy([η, 0], 0), multinomial_cross_entropy([η, 0], 1))")
    print("#[allow(clippy::excessive_precision, clippy::approx_constant)] // 40-digit references")
    print(f"pub const {name}: &[[{ty}; 8]] = &[")
    for p in points:
        for eta_in in ([p] if p == 0 else [p, -p]):
            eta_in = conv(eta_in)
            eta = mpf(eta_in)
            vals = [
                softplus(eta),
                -softplus(-eta),
                1 / (1 + mpmath.exp(-eta)),
                bce(0, eta_in),
                bce(1, eta_in),
                mce([eta_in, 0.0], 0),
                mce([eta_in, 0.0], 1),
            ]
            body = ", ".join(lit(v) for v in vals)
            print(f"    [{inp(eta_in)}, {body}],")
    print("];")
    print()


def row_table(name, rows, conv, ty):
    print("/// (row, logsumexp, softmax, log_softmax)")
    print("#[allow(clippy::excessive_precision, clippy::approx_constant)] // 40-digit references")
    print(f"pub const {name}: &[RowCase<{ty}>] = &[")
    for row in rows:
        row = [conv(v) for v in row]
        r = ", ".join(inp(v) for v in row)
        lse = logsumexp([mpf(v) for v in row])
        sm = ", ".join(lit(v) for v in softmax(row))
        ls = ", ".join(lit(v) for v in log_softmax(row))
        print(f"    (&[{r}], {lit(lse)}, &[{sm}], &[{ls}]),")
    print("];")
    print()


# Rows whose entries differ from the row maximum by exactly representable
# amounts, so the kernels' first step (η − max) is exact and the comparison
# measures the kernels, not the conditioning of that subtraction.
F64_ROWS = [
    [1e300, 0.0, -1e300],
    [1000.0, 1000.0],
    [-800.0, -800.0],
    [0.0, -40.0],
    [0.0, -30.0, -40.0],
    [0.0, -1e-5],
    [1e-300, -1e-300],
    [700.0, -700.0, 0.0, 1.0],
    [-745.0, 0.0],
    [3.0, 1.0, 2.0, -5.0, 0.5],
    [20.0, 20.0, 20.0, -1.0],
    [-1e300, -1e300, -1e300],
    [-1000.0, -1001.0],
    [F64_MAX, 0.0],
    [0.0],
]
F32_ROWS = [
    [1e38, 0.0, -1e38],
    [100.0, 100.0],
    [-100.0, -100.0],
    [0.0, -20.0],
    [0.0, -15.0, -20.0],
    [0.0, -1e-5],
    [1e-38, -1e-38],
    [88.0, -88.0, 0.0, 1.0],
    [-103.0, 0.0],
    [3.0, 1.0, 2.0, -5.0, 0.5],
    [20.0, 20.0, 20.0, -1.0],
    [-1e38, -1e38, -1e38],
    [-100.0, -101.0],
    [F32_MAX, 0.0],
    [0.0],
]

print(f"""//! Reference values for tests/kernels.rs: the stable kernels at chosen points,
//! exact to 40 digits (mpmath {mpmath.__version__}, mp.dps = 60), generated by
//! tests/reference/kernels_reference.py: do not edit by hand. To regenerate,
//! from the repository root (mpmath in a virtual environment outside the repo):
//!
//! ```text
//! python3 tests/reference/kernels_reference.py > tests/common/kernel_tables.rs
//! cargo fmt
//! ```

/// A row-kernel case: (row, logsumexp, softmax, log_softmax).
pub type RowCase<F> = (&'static [F], F, &'static [F], &'static [F]);
""")
scalar_table("SCALAR_F64", F64_POINTS, float, "f64")
scalar_table("SCALAR_F32", F32_POINTS, to_f32, "f32")
row_table("ROWS_F64", F64_ROWS, float, "f64")
row_table("ROWS_F32", F32_ROWS, to_f32, "f32")
