using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>One reason for a row's score: a source column and how much it moved the margin (one-hot columns summed).</summary>
public readonly record struct Reason(string Feature, float Contribution);

/// <summary>
/// Reason codes: for each row, the K source features whose contributions moved its score most (largest absolute
/// contribution first). A one-hot encoded column's contribution is the sum of its inputs' (exact for additive methods).
/// </summary>
public static class ReasonCodes
{
    /// <summary>Rows explained per call: contributions take rows × (inputs + 1) floats.</summary>
    public const int ChunkRows = 8_192;

    /// <summary>The top <paramref name="k"/> reasons of every row of a contributions block.</summary>
    public static Reason[][] Top(IReadOnlyList<FeatureEncoding> features, Contributions contributions, int k)
    {
        var stride = contributions.Columns + 1;
        var sums = new float[features.Count];
        var result = new Reason[contributions.Rows][];
        var order = new int[features.Count];
        for (var row = 0; row < contributions.Rows; row++)
        {
            var line = contributions.Values.AsSpan(row * stride, contributions.Columns);
            var offset = 0;
            for (var f = 0; f < features.Count; f++)
            {
                float sum = 0;
                foreach (var value in line.Slice(offset, features[f].Width)) sum += value;
                sums[f] = sum;
                offset += features[f].Width;
                order[f] = f;
            }
            // Largest absolute contribution first; the feature's position breaks ties, so the output repeats.
            Array.Sort(order, (a, b) => Math.Abs(sums[b]).CompareTo(Math.Abs(sums[a])) is var c and not 0 ? c : a.CompareTo(b));
            var take = Math.Min(k, features.Count);
            var reasons = new Reason[take];
            for (var i = 0; i < take; i++)
                reasons[i] = new Reason(features[order[i]].Column, sums[order[i]]);
            result[row] = reasons;
        }
        return result;
    }
}
