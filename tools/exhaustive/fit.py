"""The polynomial coefficients of cact's math core (include/cact/core/),
regenerated:

    python3 tools/exhaustive/fit.py            # every fit, C-ready, with its error
    python3 tools/exhaustive/fit.py exp_d      # one of them

Each fit is a Remez minimax polynomial (tools/exhaustive/remez.py) of the
stated degree on the stated interval, rounded to doubles one coefficient at
a time with the rest refitted (remez.refit_rounded); the error quoted is the
max relative error of the ROUNDED polynomial against the function,
evaluated exactly on a dense grid (not the C code's rounding in Horner's
scheme, which the exhaustive and sampled checkers measure end to end).

Naming: *_d fits serve the float32 kernels (which compute in double and
need ~2^-32 relative), *_dd fits serve the float64 kernels (double-double
steps, ~2^-57 relative or better).
"""
import sys

import mpmath as mp
from remez import max_error, refit_rounded, remez

mp.mp.prec = 256
LN2_HALF = mp.log(2) / 2 * (1 + mp.mpf(2) ** -20)  # |r| after exp's reduction, with slack
# float lanes: the baseline's unfused z log2e + shifter may pick n one off
# near a half-integer, |r| up to ln2/2 (1 + 2^-15)
LN2_HALF_F = mp.log(2) / 2 * (1 + mp.mpf(2) ** -14)


def _expm1_over_r(r):
    return mp.expm1(r) / r if r else mp.mpf(1)


def _exp_p(r):  # (e^r - 1 - r) / r^2
    return (mp.exp(r) - 1 - r) / r ** 2 if abs(r) > mp.mpf(2) ** -60 else 1 / mp.mpf(2) + r / 6


def _exp_q(r):  # (e^r - 1 - r - r^2/2) / r^3
    return (mp.exp(r) - 1 - r - r * r / 2) / r ** 3 if abs(r) > mp.mpf(2) ** -60 else 1 / mp.mpf(6) + r / 24


def _exp_p(r):  # (e^r - 1 - r) / r^2
    return (mp.exp(r) - 1 - r) / r ** 2 if abs(r) > mp.mpf(2) ** -60 else 1 / mp.mpf(2) + r / 6


def _atanh_ratio(u):  # atanh(s) / s, s = sqrt(u)
    s = mp.sqrt(u)
    return mp.atanh(s) / s if u else mp.mpf(1)


def _atanh_tail(u):  # (atanh(s) - s) / s^3
    s = mp.sqrt(u)
    return (mp.atanh(s) - s) / s ** 3 if u else 1 / mp.mpf(3)


def _tanhshrink_ratio(u):  # (x - tanh x) / x^3, x = sqrt(u)
    x = mp.sqrt(u)
    return (x - mp.tanh(x)) / x ** 3 if u else 1 / mp.mpf(3)


def _erfcx_over_t(c, alo, ahi):
    """H(w) = erfcx(a) / t with t = c / (c + a) and w = S t + O, for a in
    [alo, ahi].  S and O are the doubles the C code uses (rounded from the
    map of [tlo, thi] onto [-1, 1]), and the fit is of H at w = S t + O
    exactly, so the code's w is the fit's (a map error of one ulp in S would
    shift w by 2^-52, an error of H'(w) 2^-52 in the result)."""
    tlo, thi = c / (c + mp.mpf(ahi)), c / (c + mp.mpf(alo))
    S = float(2 / (thi - tlo))
    O = float(-(thi + tlo) / (thi - tlo))

    def H(w):
        t = (w - O) / S
        a = c * (1 / t - 1)
        return mp.erfc(a) * mp.exp(a * a) / t if a else 1 / t
    return H, S, O, S * tlo + O, S * thi + O


# name: (function, lo, hi, degree, what it is)
def fits():
    out = {
        "exp_d": (_expm1_over_r, -LN2_HALF, LN2_HALF, 6,
                  "(e^r - 1)/r, |r| <= ln2/2; e^r = 1 + r P(r), expm1(r) = r P(r)"),
        "log1p_d": (_atanh_ratio, 0, mp.mpf(1) / 9, 5,
                    "atanh(s)/s in u = s^2, s = y/(2+y) in [0, 1/3]; log1p(y) = 2 s P(u)"),
        "tanhshrink_d": (_tanhshrink_ratio, 0, mp.mpf("0.625") ** 2, 6,
                         "(x - tanh x)/x^3 in u = x^2, |x| <= 0.625"),
        "exp_f": (_exp_p, -LN2_HALF_F, LN2_HALF_F, 5,
                  "(e^r - 1 - r)/r^2, |r| <= ln2/2 (float lanes: float coefficients)"),
        "exp_dd": (_exp_q, -LN2_HALF, LN2_HALF, 9,
                   "(e^r - 1 - r - r^2/2)/r^3, |r| <= ln2/2"),
        "exp_hl": (_exp_p, -LN2_HALF, LN2_HALF, 9,
                   "(e^r - 1 - r)/r^2, |r| <= ln2/2 (float64 softmax, cact/axis/common.h)"),
        "log_dd": (_atanh_tail, 0, (3 - 2 * mp.sqrt(2)) ** 2 * (1 + mp.mpf(2) ** -20), 7,
                   "(atanh(s) - s)/s^3 in u = s^2, |s| <= 3 - 2 sqrt 2 (m in [sqrt2/2, sqrt2])"),
        "tanhshrink_dd": (_tanhshrink_ratio, 0, mp.mpf("0.4") ** 2, 9,
                          "(x - tanh x)/x^3 in u = x^2, |x| <= 0.4"),
    }
    for name, (c, alo, ahi, deg) in {"erfc_d": (3, 0, "10.6", 11),
                                     "erfc_dd_lo": (4, 0, "2.5", 16),
                                     "erfc_dd_hi": (2, "2.5", "27.3", 16)}.items():
        H, S, O, wlo, whi = _erfcx_over_t(mp.mpf(c), mp.mpf(alo), mp.mpf(ahi))
        out[name] = (H, wlo, whi, deg,
                     f"erfcx(a)/t, t = {c}/({c}+a), a in [{alo}, {ahi}], in w = t * {S!r} + {O!r}")
    return out


# fits whose coefficients are rounded to float32 (the float-lane core)
FLOAT_FITS = ("exp_f",)


def _round_f32(v):
    import struct
    return struct.unpack("f", struct.pack("f", float(v)))[0]


# fits whose leading coefficient the C code keeps as a double-double: their
# value is not damped by a small factor, so c0's rounding would show
DD_LEAD = ("tanhshrink_dd", "erfc_dd_lo", "erfc_dd_hi")


def main(argv):
    table = fits()
    for name in argv or table:
        f, lo, hi, deg, what = table[name]
        w = lambda x: 1 / abs(f(x))
        c, e = remez(f, lo, hi, deg, weight=w, iters=60, npts=80 * (deg + 2))
        if name in DD_LEAD:
            c0h = float(c[0])
            c0l = float(c[0] - mp.mpf(c0h))
            lead = [mp.mpf(c0h) + mp.mpf(c0l)]
        else:
            lead = []
        rnd = _round_f32 if name in FLOAT_FITS else float
        cd = refit_rounded(f, lo, hi, lead + list(c[len(lead):]), weight=w, first=len(lead), rnd=rnd)
        me, at = max_error(f, lo, hi, [mp.mpf(v) for v in cd], weight=w)
        print(f"/* {name}: {what}\n * degree {deg}, max relative error "
              f"2^{float(mp.log(me, 2)):.1f} (rounded coefficients; minimax 2^{float(mp.log(e, 2)):.1f}) */")
        if lead:
            # p = (c0_hi + c0_lo) + x P1(x), P1 of degree deg - 1
            print(f"/* c0 = {c0h!r} + {c0l!r} */")
            print(f"CACT__H{deg - 1}(x, " + ", ".join(repr(v) for v in cd[1:]) + ")\n", flush=True)
        elif name in FLOAT_FITS:
            # shortest decimal that reads back as the same float32
            print("coefficients c0..c" + str(deg) + ": " + ", ".join(
                next(t for t in (f"{v:.{p}g}" for p in range(6, 10)) if _round_f32(t) == v) + "f"
                for v in cd) + "\n", flush=True)
        else:
            print(f"CACT__H{deg}(x, " + ", ".join(repr(v) for v in cd) + ")\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
