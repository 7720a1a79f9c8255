namespace MlopsPortal.Core.ModelRegistry;

/// <summary>
/// A rule the business stakeholder and the compliance officer signed: when it fires on a Production version, the
/// portal rolls back. <see cref="Metric"/> is an evaluation metric (live, on labelled rows), <c>bandShare</c> (the share
/// of all scored rows inside the approved band) or <c>fairness</c> (fires when the live fairness verdict is fail;
/// comparator and threshold are not used). The rule fires when "metric comparator threshold" holds.
/// </summary>
public sealed record RollbackRule(string Metric, string Comparator, double Threshold, int MinLabelledRows = 500)
{
    public const string BandShare = "bandShare";
    public const string Fairness = "fairness";

    public string Describe() => Metric == Fairness
        ? $"live fairness verdict is fail (on at least {MinLabelledRows:N0} labelled rows)"
        : Metric == BandShare
            ? $"share inside the confidence band {Comparator} {Threshold:P0}"
            : $"live {Metric} {Comparator} {Threshold:0.###} on at least {MinLabelledRows:N0} labelled rows";

    public bool Fires(double value) => new AcceptanceCriterion(Metric, Comparator, Threshold, "").IsMetBy(value);
}
