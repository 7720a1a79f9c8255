namespace MlopsPortal.Core.ModelRegistry;

/// <summary>The scores a business stakeholder accepts as confident decisions (inclusive bounds, 0 ≤ low &lt; high ≤ 1).</summary>
public sealed record ConfidenceBand(double Low, double High)
{
    public bool Contains(double score) => score >= Low && score <= High;

    public override string ToString() => $"{Low:0.###}–{High:0.###}";
}
