// Written by hand from the published methods, following scipy 1.10's ks_2samp (method "auto", two-sided) so that p-values
// compare (contracts §5): the exact two-sample distribution (Hodges' lattice paths as reworked by Viehmann, and the
// closed form for equal sizes), and for large samples the one-sample Kolmogorov distribution of size round(mn/(m+n)):
// Durbin's matrix (Marsaglia, Tsang and Wang), Pomeranz's recursion, the Pelz–Good series and the Smirnov sum
// (Birnbaum and Tingey). No .NET library has these; MathNet has only the asymptotic Kolmogorov limit.
namespace MlopsPortal.Engine.Drift;

public static class KolmogorovSmirnovTest
{
    /// <summary>Above this larger sample size the asymptotic distribution is used (scipy's MAX_AUTO_N).</summary>
    public const int MaxExactSize = 10_000;

    private const double Two128 = 3.402823669209385e38;      // 2^128
    private const double TwoMinus128 = 2.938735877055719e-39; // 2^-128

    /// <summary>
    /// The p-value of a two-sided statistic <paramref name="d"/> for samples of sizes n1 and n2; on the exact path the
    /// statistic is snapped to the lattice value h / lcm(n1, n2), which is what is returned with it.
    /// </summary>
    public static TestResult TwoSample(int n1, int n2, double d)
    {
        if (n1 < 1 || n2 < 1) throw new ArgumentException("Both samples need at least one value.");
        if (Math.Max(n1, n2) <= MaxExactSize)
        {
            var g = Gcd(n1, n2);
            var lcm = (long)(n1 / g) * n2;
            var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            d = h / (double)lcm;
            if (h == 0) return new TestResult(d, 1.0);
            var p = n1 == n2 ? ProbabilityOutsideSquare(n1, (int)h) : ProbabilityOutsideBand(n1, n2, g, h);
            if (p is >= 0 and <= 1) return new TestResult(d, p);
            // Rounding took the equal-size formula just above 1: scipy falls back to the asymptotic distribution.
        }
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var size = Math.Round(m * n / (m + n), MidpointRounding.ToEven);
        if (size < 1) return new TestResult(d, double.NaN);
        if (d <= 0.5 / size) return new TestResult(d, 1.0);
        if (d >= 1.0) return new TestResult(d, 0.0);
        return new TestResult(d, Clip(KolmogorovSf((int)size, d)));
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    private static double Clip(double p) => Math.Min(Math.Max(p, 0.0), 1.0);

    /// <summary>
    /// Equal sizes: P(D ≥ h/n) = 2 Σ_k (−1)^(k−1) C(2n, n−kh)/C(2n, n), evaluated Horner-style from the innermost term
    /// so that every factor stays below 1. Not clipped: a value just above 1 signals the fallback.
    /// </summary>
    internal static double ProbabilityOutsideSquare(int n, int h)
    {
        var p = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var p1 = 1.0;
            for (var j = 0; j < h; j++)
                p1 = (double)(n - k * h - j) * p1 / (n + k * h + j + 1);
            p = p1 * (1.0 - p);
        }
        return 2 * p;
    }

    /// <summary>
    /// Unequal sizes: the share of lattice paths from (0,0) to (m,n) that leave the band |x·n/g − y·m/g| &lt; h,
    /// carried column by column as probabilities Q(i,j) = (i·Q(i−1,j) + j·Q(i,j−1)) / (i+j), 1 outside the band.
    /// </summary>
    internal static double ProbabilityOutsideBand(int m, int n, int g, long h)
    {
        if (m < n) (m, n) = (n, m);
        long mg = m / g, ng = n / g;
        long minj = 0, maxj = Math.Min(CeilDiv(h, mg), n + 1);
        var curlen = maxj - minj;
        var a = new double[Math.Min(2 * maxj + 2, n + 1)];
        Array.Fill(a, 1.0);
        for (var q = 0; q < maxj; q++) a[q] = 0.0;
        for (long i = 1; i <= m; i++)
        {
            var lastMinj = minj;
            var lastLen = curlen;
            minj = Math.Min(Math.Max(FloorDiv(ng * i - h, mg) + 1, 0), n);
            maxj = Math.Min(CeilDiv(ng * i + h, mg), n + 1);
            if (maxj <= minj) return 1.0;
            var val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                val = (a[jj + minj - lastMinj] * i + val * j) / (i + j);
                a[jj] = val;
            }
            curlen = maxj - minj;
            for (var q = curlen; q < lastLen; q++) a[q] = 1.0;
        }
        return a[maxj - minj - 1];
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    /// <summary>The survival function of the one-sample two-sided statistic D_n at x (scipy's kstwo.sf).</summary>
    internal static double KolmogorovSf(int n, double x)
    {
        if (x >= 1) return 0.0;
        if (x <= 0) return 1.0;
        var t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5) return 1.0;
            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                for (var i = 1; i <= n; i++) cdf *= i * (1.0 / n) * (2 * t - 1);
            }
            else cdf = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            return Clip(1 - Clip(cdf));
        }
        if (t >= n - 1) return Clip(2 * Math.Pow(1.0 - x, n));
        if (x >= 0.5) return Clip(2 * Smirnov(n, x));
        var nx2 = t * x;
        if (n <= 140)
        {
            if (nx2 <= 0.754693) return Clip(1 - DurbinCdf(n, x));
            if (nx2 <= 4) return Clip(1 - PomeranzCdf(n, x));
            return Clip(2 * Smirnov(n, x));
        }
        if (nx2 >= 370.0) return 0.0;
        if (nx2 >= 2.2) return Clip(2 * Smirnov(n, x));
        var c = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? DurbinCdf(n, x) : PelzGoodCdf(n, x);
        return Clip(1 - Clip(c));
    }

    private static readonly double[] Stirling =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>log(n! / nⁿ) by Stirling's series.</summary>
    private static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var y = rn / n;
        var s = 0.0;
        foreach (var c in Stirling) s = s * y + c;
        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * s;
    }

    /// <summary>P(D_n ≤ d) by Durbin's matrix: the k-th diagonal element of Hⁿ times n!/nⁿ, with powers of 2^128 kept apart.</summary>
    internal static double DurbinCdf(int n, double d)
    {
        if (d >= 1) return 1.0;
        var nd = n * d;
        if (nd <= 0.5) return 0.0;
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;
        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * fac;
        }
        v[m - 1] = (1.0 + (Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m))) * fac;
        var hm = new double[m, m];
        for (var r = 0; r < m; r++)
            for (var c = 1; c < m; c++)
                hm[r, c] = r - c + 1 >= 0 ? w[r - c + 1] : 0.0;
        for (var r = 0; r < m; r++) hm[r, 0] = v[r];
        for (var c = 0; c < m; c++) hm[m - 1, c] = v[m - 1 - c];

        var p = new double[m, m];
        for (var r = 0; r < m; r++) p[r, r] = 1.0;
        int e = 0, he = 0, nn = n;
        while (nn > 0)
        {
            if ((nn & 1) == 1)
            {
                p = Multiply(p, hm);
                e += he;
            }
            hm = Multiply(hm, hm);
            he *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > Two128)
            {
                for (var r = 0; r < m; r++)
                    for (var c = 0; c < m; c++) hm[r, c] /= Two128;
                he += 128;
            }
            nn /= 2;
        }
        var result = p[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            result = i * result / n;
            if (Math.Abs(result) < TwoMinus128)
            {
                result *= Two128;
                e -= 128;
            }
        }
        return Clip(e != 0 ? Math.ScaleB(result, e) : result);
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var c = new double[m, m];
        for (var i = 0; i < m; i++)
            for (var l = 0; l < m; l++)
            {
                var ail = a[i, l];
                if (ail == 0) continue;
                for (var j = 0; j < m; j++) c[i, j] += ail * b[l, j];
            }
        return c;
    }

    /// <summary>P(D_n ≤ x) by Pomeranz's recursion over 2n+1 rows of Poisson-like terms.</summary>
    internal static double PomeranzCdf(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var size = 2 * (ll + 1);
        var gp = new double[size];
        var tg = new double[size];
        var om = new double[size];
        gp[0] = tg[0] = om[0] = 1.0;
        double a1 = g / n, a2 = 2 * g / n, a3 = (1 - 2 * g) / n;
        for (var q = 1; q < size; q++)
        {
            gp[q] = gp[q - 1] * a1 / q;
            tg[q] = tg[q - 1] * a2 / q;
            om[q] = om[q - 1] * a3 / q;
        }
        var v0 = new double[size];
        var v1 = new double[size];
        v1[0] = 1.0;
        int s0 = 0, s1 = 0, e = 0;
        var (j1, j2) = PomeranzRows(0, n, ll, ceilf, roundf);
        for (var i = 1; i <= 2 * n + 1; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (s0, s1) = (s1, s0);
            Array.Clear(v1);
            (j1, j2) = PomeranzRows(i, n, ll, ceilf, roundf);
            var pw = i == 1 || i == 2 * n + 1 ? gp : i % 2 == 1 ? tg : om;
            var length = j2 - k1 + 1;
            if (length <= 0) continue;
            var start = k1 - s0;
            for (var q = 0; q <= j2 - j1; q++)
            {
                var r = j1 - k1 + q;
                double sum = 0;
                for (var a = Math.Max(0, r - length + 1); a <= Math.Min(r, length - 1); a++) sum += v0[start + a] * pw[r - a];
                v1[q] = sum;
            }
            var max = 0.0;
            foreach (var z in v1) if (z > max) max = z;
            if (max > 0 && max < TwoMinus128)
            {
                for (var q = 0; q < size; q++) v1[q] *= Two128;
                e -= 128;
            }
            s1 = s0 + j1 - k1;
        }
        var ans = v1[n - s1];
        for (var q = 1; q <= n; q++)
        {
            if (Math.Abs(ans) > Two128)
            {
                ans *= TwoMinus128;
                e += 128;
            }
            ans *= q;
        }
        return Clip(e != 0 ? Math.ScaleB(ans, e) : ans);
    }

    private static (int J1, int J2) PomeranzRows(int i, int n, int ll, int ceilf, int roundf)
    {
        int a, b;
        if (i == 0)
        {
            a = -ll - ceilf - 1;
            b = ll + ceilf - 1;
        }
        else
        {
            var qd = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (qd == n + 1) { a = n - ll - ceilf - 1; b = n + ll + ceilf - 1; }
                else { a = qd - 1 - ll - roundf - 1; b = qd + ll - 1 + ceilf - 1; }
            }
            else { a = qd - 1 - ll - 1; b = qd + ll + roundf - 1; }
        }
        return (Math.Max(a + 2, 0), Math.Min(b, n));
    }

    /// <summary>The Pelz–Good asymptotic series for P(D_n ≤ x) (not clipped).</summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0) return 0.0;
        if (x >= 1) return 1.0;
        const double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        var sqrt2Pi = Math.Sqrt(2 * Math.PI);
        var z = Math.Sqrt(n) * x;
        double z2 = Math.Pow(z, 2), z3 = Math.Pow(z, 3), z4 = Math.Pow(z, 4), z6 = Math.Pow(z, 6);
        var qlog = -pi2 / 8 / z2;
        if (qlog < -708) return 0.0;
        var q = Math.Exp(qlog);
        double k1a = -z2, k1b = pi2 / 4;
        double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
        double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
        double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        var kk = new double[4];
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxk; k >= 1; k--)
        {
            double mm = 2 * k - 1, m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2;
            var qp = Math.Pow(q, 8 * k);
            kk[0] = kk[0] * qp + 1.0;
            kk[1] = kk[1] * qp + (k1a + k1b * m2);
            kk[2] = kk[2] * qp + (k2a + k2b * m2 + k2c * m4);
            kk[3] = kk[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }
        double[] den = [z, 6 * z4, 72 * Math.Pow(z, 7), 6480 * Math.Pow(z, 10)];
        for (var i = 0; i < 4; i++) kk[i] = kk[i] * q * sqrt2Pi / den[i];
        var q2 = Math.Exp(-pi2 / 2 / z2);
        var r3 = Math.Sqrt(3) * z;
        double s2 = 0, s3 = 0;
        for (var k = maxk; k >= 1; k--)
        {
            var qq = Math.Pow(q2, (double)k * k);
            var kp = Math.PI * k;
            s2 += (double)k * k * qq;
            s3 += (r3 + kp) * (r3 - kp) * k * k * qq;
        }
        kk[2] += s2 * pi2 * sqrt2Pi / (-36 * z3);
        kk[3] += s3 * pi2 * sqrt2Pi / (216 * z6);
        var total = 0.0;
        for (var i = 0; i < 4; i++) total += kk[i] / Math.Pow(n, i / 2.0);
        return total;
    }

    private const double MinLog = -7.451332191019412076235E2;

    /// <summary>
    /// The one-sided statistic's survival function P(D_n⁺ ≥ x) by the Smirnov (Birnbaum–Tingey) sum, each term in log space
    /// with a compensated running log-binomial; above a million the approximation exp(−(6nx+1)²/(18n)).
    /// </summary>
    internal static double Smirnov(int n, double x)
    {
        if (double.IsNaN(x) || n <= 0 || x < 0 || x > 1) return double.NaN;
        if (n == 1) return 1 - x;
        if (x == 0) return 1.0;
        if (x == 1) return 0.0;
        var hi = n * x;
        var lo = Math.FusedMultiplyAdd(n, x, -hi);
        var nxfl = Math.Floor(hi);
        if (hi == nxfl && lo < 0) nxfl -= 1;
        var alpha = hi - nxfl + lo;
        if (alpha >= 1) { nxfl += 1; alpha = 0; }
        if (nxfl == 0 || (nxfl == 1 && alpha == 0)) return Clip(1 - x * Math.Pow(1 + x, n - 1));
        if (-2 * n * x * x < MinLog) return 0.0;
        if (nxfl >= n - 1) return Clip(Math.Pow(1 - x, n));
        if (n > 1_000_000)
        {
            // scipy writes the upper half as 1 − (−expm1(lp)), which is exp(lp) up to the last bits.
            return Clip(Math.Exp(-Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n));
        }
        var terms = n - (int)nxfl;
        var s = Math.Exp(n * Log1P(-x)) / x;
        double logC = 0, compensation = 0;
        for (var v = 1; v < terms; v++)
        {
            var y = Math.Log((double)(n - v + 1) / v) - compensation;
            var sum = logC + y;
            compensation = sum - logC - y;
            logC = sum;
            var term = Math.Exp(logC + (v - 1) * Math.Log((double)v / n + x) + (n - v) * Math.Log((double)(n - v) / n - x));
            s += term;
            if (term != 0)
            {
                if (4.0 * (terms - v) * term < 2.220446049250313e-16 * s && v != terms - 1) break;
            }
            else if (v > n / 2) break;
        }
        return Clip(x * s);
    }

    /// <summary>log(1 + x), accurate for small x.</summary>
    private static double Log1P(double x) => Math.Abs(x) < 1e-4 ? x - x * x / 2 + x * x * x / 3 : Math.Log(1 + x);
}
