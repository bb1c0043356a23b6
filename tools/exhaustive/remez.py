"""Minimax polynomial fitting (Remez exchange) in mpmath, for the math core.

    remez(f, a, b, deg, weight) -> (coefficients, max weighted error)

minimises max over [a, b] of |weight(x) * (p(x) - f(x))| for p of degree
`deg` in the monomial basis (coefficient j multiplies x**j).  With weight =
1/|f| the error is relative.  Coefficients are returned as mpf; round() gives
the doubles the C code uses, and max_error() measures the rounded polynomial
(evaluated exactly) on a dense grid, which is the figure quoted next to each
polynomial in include/cact/core/.

Classic algorithm (Remez 1934; e.g. Muller, "Elementary Functions", ch. 3):
solve for the polynomial that equioscillates on n+2 reference points, move the
reference to the extrema of the new error curve, repeat until the extrema are
level.  Used by tools/exhaustive/fit.py, which holds the actual fits.
"""
import mpmath as mp


def _solve(f, w, pts, deg):
    n = len(pts)
    A = mp.matrix(n, n)
    rhs = mp.matrix(n, 1)
    for i, x in enumerate(pts):
        xp = mp.mpf(1)
        for j in range(deg + 1):
            A[i, j] = xp
            xp *= x
        A[i, deg + 1] = (-1) ** i / w(x)
        rhs[i] = f(x)
    sol = mp.lu_solve(A, rhs)
    return [sol[j] for j in range(deg + 1)], sol[deg + 1]


def peval(c, x):
    r = mp.mpf(0)
    for cj in reversed(c):
        r = r * x + cj
    return r


def _extrema(err, a, b, npts):
    xs = [a + (b - a) * (1 - mp.cos(mp.pi * k / (npts - 1))) / 2 for k in range(npts)]
    es = [err(x) for x in xs]
    runs = []  # (x, e) of the largest |e| in each run of one sign
    cur = None
    for i, (x, e) in enumerate(zip(xs, es)):
        s = e >= 0
        if cur is None or cur[0] != s:
            cur = [s, i]
            runs.append(cur)
        elif abs(e) > abs(es[cur[1]]):
            cur[1] = i
    out = []
    for s, i in runs:
        lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, npts - 1)]
        # golden-section refinement of |err| on [lo, hi]
        g = (mp.sqrt(5) - 1) / 2
        c1, c2 = hi - g * (hi - lo), lo + g * (hi - lo)
        f1, f2 = abs(err(c1)), abs(err(c2))
        for _ in range(40):
            if f1 > f2:
                hi, c2, f2 = c2, c1, f1
                c1 = hi - g * (hi - lo)
                f1 = abs(err(c1))
            else:
                lo, c1, f1 = c1, c2, f2
                c2 = lo + g * (hi - lo)
                f2 = abs(err(c2))
        cand = [(abs(es[i]), xs[i]), (f1, c1), (f2, c2)]
        if i in (0, npts - 1):
            cand = [(abs(es[i]), xs[i])]  # end points stay end points
        m, x = max(cand, key=lambda t: t[0])
        out.append((x, err(x)))
    return out


def remez(f, a, b, deg, weight=lambda x: 1, iters=40, npts=None, prec=160, verbose=False):
    with mp.workprec(prec):
        a, b = mp.mpf(a), mp.mpf(b)
        n = deg + 2
        pts = [a + (b - a) * (1 - mp.cos(mp.pi * k / (n - 1))) / 2 for k in range(n)]
        npts = npts or max(400, 60 * n)
        best = None
        for it in range(iters):
            c, E = _solve(f, weight, pts, deg)
            err = lambda x: weight(x) * (peval(c, x) - f(x))
            ext = _extrema(err, a, b, npts)
            while len(ext) > n:  # drop the smaller end until n alternating extrema remain
                if abs(ext[0][1]) < abs(ext[-1][1]):
                    ext.pop(0)
                else:
                    ext.pop()
            m = max(abs(e) for _, e in ext)
            if verbose:
                print(f"  iter {it}: |E|={mp.nstr(abs(E), 6)} max={mp.nstr(m, 6)} extrema={len(ext)}")
            if best is None or m < best[1]:
                best = (c, m)
            if len(ext) < n:
                break
            pts = [x for x, _ in ext]
            if m - abs(E) <= 1e-4 * m:
                break
        return best


def round_double(c):
    return [float(x) for x in c]


def max_error(f, a, b, coeffs, weight=lambda x: 1, npts=4000, prec=160):
    """max |weight * (p - f)| of the polynomial with the given (rounded)
    coefficients, evaluated exactly, on a dense Chebyshev grid plus ends."""
    with mp.workprec(prec):
        a, b = mp.mpf(a), mp.mpf(b)
        c = [mp.mpf(x) for x in coeffs]
        worst = (mp.mpf(0), a)
        for k in range(npts):
            x = a + (b - a) * (1 - mp.cos(mp.pi * k / (npts - 1))) / 2
            e = abs(weight(x) * (peval(c, x) - f(x)))
            if e > worst[0]:
                worst = (e, x)
        return worst


def refit_rounded(f, a, b, coeffs, weight=lambda x: 1, first=1, npts=None, prec=160, rnd=float):
    """Round coefficients to doubles one at a time from index `first` up,
    refitting the ones not yet rounded after each (weighted least squares on
    Chebyshev nodes, close to minimax), so that later coefficients absorb the
    rounding of earlier ones -- a simple form of Brisebarre and Chevillard's
    fpminimax.  coeffs[:first] are kept as given (mpf, e.g. a double-double
    leading term).  Returns the list with coeffs[first:] doubles (or
    whatever `rnd` rounds to: fit.py passes a float32 rounding for the
    float-lane fits)."""
    with mp.workprec(prec):
        a, b = mp.mpf(a), mp.mpf(b)
        c = list(coeffs)
        deg = len(c) - 1
        npts = npts or 8 * (deg + 2)
        xs = [a + (b - a) * (1 - mp.cos(mp.pi * (k + mp.mpf(1) / 2) / npts)) / 2 for k in range(npts)]
        ws = [weight(x) for x in xs]
        fs = [f(x) for x in xs]
        for k in range(first, deg + 1):
            c[k] = mp.mpf(float(rnd(c[k])))
            free = list(range(k + 1, deg + 1))
            if not free:
                break
            A = mp.matrix(npts, len(free))
            r = mp.matrix(npts, 1)
            for i, x in enumerate(xs):
                fixed = sum(c[j] * x ** j for j in range(k + 1))
                for jj, j in enumerate(free):
                    A[i, jj] = ws[i] * x ** j
                r[i] = ws[i] * (fs[i] - fixed)
            sol = mp.qr_solve(A, r)[0]
            for jj, j in enumerate(free):
                c[j] = sol[jj]
        return [c[j] if j < first else float(rnd(c[j])) for j in range(deg + 1)]
