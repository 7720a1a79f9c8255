using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Lineage;

/// <summary>
/// Finds and names the lineage nodes of one entity kind that a feature above Lineage owns (compliance reports):
/// registered by that feature with <c>AddSingleton&lt;ILineageNodeSource, T&gt;</c>.
/// </summary>
public interface ILineageNodeSource
{
    /// <summary>The <see cref="EntityKinds"/> value this source describes.</summary>
    string Kind { get; }

    Task<bool> ExistsAsync(PortalDbContext db, Guid id, CancellationToken ct);

    Task<IReadOnlyList<LineageNode>> DescribeAsync(PortalDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct);
}
