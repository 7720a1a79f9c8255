using System.Globalization;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Training;

/// <summary>Champion against challenger on the same rows: agreement, score differences and score histograms.</summary>
public static class ShadowComparison
{
    public const int Bins = 20;

    /// <summary>The score column of a scoring output, in row order.</summary>
    public static float[] ReadScores(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadScores(stream);
    }

    public static float[] ReadScores(Stream stream)
    {
        using var reader = new CsvReader(stream);
        var index = CsvColumns.Indexes(reader, ["score"], "scoring output")[0];
        var scores = new List<float>();
        while (reader.Read())
            scores.Add(float.Parse(reader.Field(index), CultureInfo.InvariantCulture));
        return [.. scores];
    }

    /// <summary>Share of rows where both scores fall on the same side of the threshold (null when there are no rows).</summary>
    public static double? Agreement(float[] a, float[] b, double threshold)
    {
        Same(a, b);
        if (a.Length == 0) return null;
        long same = 0;
        for (var i = 0; i < a.Length; i++)
            if (a[i] >= threshold == b[i] >= threshold) same++;
        return (double)same / a.Length;
    }

    public static double MeanAbsDifference(float[] a, float[] b)
    {
        Same(a, b);
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += Math.Abs((double)a[i] - b[i]);
        return a.Length == 0 ? 0 : sum / a.Length;
    }

    /// <summary>Counts in <see cref="Bins"/> equal bins over [0, 1] for probabilities, else over the scores' own range.</summary>
    public static List<long> Histogram(float[] scores, bool probabilities)
    {
        var counts = new long[Bins];
        if (scores.Length == 0) return [.. counts];
        double low = probabilities ? 0 : scores.Min(), high = probabilities ? 1 : scores.Max();
        var width = high > low ? (high - low) / Bins : 1;
        foreach (var s in scores)
            counts[Math.Clamp((int)((s - low) / width), 0, Bins - 1)]++;
        return [.. counts];
    }

    private static void Same(float[] a, float[] b)
    {
        if (a.Length != b.Length)
            throw new InvalidOperationException($"The champion scored {a.Length:N0} rows and the challenger {b.Length:N0}: they must score the same rows.");
    }
}
