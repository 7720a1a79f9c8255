using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>XGBoost through its C API: TreeSHAP contributions, which add up to the margin.</summary>
internal sealed class XGBoostScoringModel(XGBoostBooster booster) : IScoringModel
{
    public float[] Predict(EncodedTable table)
    {
        var scores = new float[table.Rows];
        booster.Predict(table.Values, table.Rows, table.Columns, scores);
        return scores;
    }

    public Contributions Explain(ReadOnlySpan<float> values, int rows, int columns) =>
        new(booster.Contributions(values, rows, columns), rows, columns, Additive: true, "XGBoost TreeSHAP");

    public string? NoContributionsReason => null;

    public void Dispose() => booster.Dispose();
}
