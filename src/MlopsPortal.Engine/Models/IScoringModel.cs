using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// Per-row contributions in the model's margin (log-odds for a classifier): rows × (columns + 1), the last of each row
/// the bias. <see cref="Additive"/> says whether a row's values add up to its margin (TreeSHAP, linear models) or only
/// rank the features (ML.NET's tree contributions, which measure what flipping each split would change).
/// </summary>
public sealed record Contributions(float[] Values, int Rows, int Columns, bool Additive, string Method);

/// <summary>A model loaded once and used for many rows: scores, and where the engine can say, each row's contributions.</summary>
public interface IScoringModel : IDisposable
{
    /// <summary>Probabilities of the positive class (classifiers) or predicted values (regressors), one per row, in row order.</summary>
    float[] Predict(EncodedTable table);

    /// <summary>The contributions of <paramref name="rows"/> encoded rows, or null when the model cannot give them (say why with <see cref="NoContributionsReason"/>).</summary>
    Contributions? Explain(ReadOnlySpan<float> values, int rows, int columns);

    /// <summary>Why <see cref="Explain"/> gives nothing, in a sentence; null when it gives contributions.</summary>
    string? NoContributionsReason { get; }
}
