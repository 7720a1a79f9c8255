namespace MlopsPortal.Engine.Drift;

/// <summary>The `drift --json` object of issue 8 / contracts §5 (also what the portal stores for a report).</summary>
public static class DriftJson
{
    public sealed record Test(double Statistic, double PValue);

    public sealed record Report(
        IReadOnlyList<Dictionary<string, object?>> Columns, double? DriftedShare, bool? DatasetDrift, double DriftedShareThreshold,
        IReadOnlyList<string> Skipped, IReadOnlyList<string> MissingInCurrent, IReadOnlyDictionary<string, long> TypeViolations)
    {
        /// <summary>Prediction drift: the model's scores on the reference against its scores on the current data (portal reports only).</summary>
        public Dictionary<string, object?>? Prediction { get; init; }
        /// <summary>Why there is no prediction drift, when the scores could not be computed.</summary>
        public string? PredictionNote { get; init; }
    }

    private static Test? T(TestResult? r) => r is null ? null : new Test(r.Statistic, r.PValue);

    /// <summary>One column as contracts §5 lists it: column, type, test, score, threshold, drifted (verdict when insufficient), statistics.</summary>
    public static Dictionary<string, object?> ColumnObject(DriftColumnResult c, bool withBins)
    {
        var s = c.Statistics;
        var statistics = new Dictionary<string, object?>();
        if (c.Type == "numeric") { statistics["ks"] = T(s.Ks); statistics["wassersteinNormed"] = s.WassersteinNormed; }
        statistics["psi"] = s.Psi;
        statistics["jensenShannon"] = s.JensenShannon;
        if (s.ChiSquare is not null) statistics["chiSquare"] = T(s.ChiSquare);
        if (s.ZTest is not null) statistics["zTest"] = T(s.ZTest);
        var o = new Dictionary<string, object?>
        {
            ["column"] = c.Column, ["type"] = c.Type, ["test"] = c.Test, ["score"] = c.Score, ["threshold"] = c.Threshold,
            ["thresholdMeaning"] = DriftTests.ThresholdMeaning(c.Test), ["drifted"] = c.Drifted,
        };
        if (c.Drifted is null) o["verdict"] = "insufficient";
        o["statistics"] = statistics;
        o["rowsReference"] = c.RowsReference;
        o["rowsCurrent"] = c.RowsCurrent;
        o["quality"] = c.Quality;
        if (withBins) o["bins"] = c.Bins;
        return o;
    }

    /// <summary>Dates and text are listed too, with "skipped": true (contracts §5), after the compared columns.</summary>
    public static Report From(DriftResult result, DriftInput? input = null, bool withBins = false) => new(
        [.. result.Columns.Select(c => ColumnObject(c, withBins)), .. result.Skipped.Select(name => new Dictionary<string, object?> { ["column"] = name, ["skipped"] = true })],
        result.DriftedShare, result.DatasetDrift, result.DriftedShareThreshold,
        result.Skipped, input?.MissingInCurrent ?? [], input?.TypeViolations ?? new Dictionary<string, long>());
}
