using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Scheduling;

/// <summary>Every job kind the portal runs, as the features registered them. docs/operations.md lists the same table.</summary>
public sealed class JobKinds(IEnumerable<JobKind> kinds)
{
    public IReadOnlyList<JobKind> All { get; } = Distinct(kinds);

    public JobKind Get(string name) =>
        Find(name) ?? throw new PortalValidationException($"Unknown job kind '{name}'. Kinds: {string.Join(", ", All.Select(k => k.Name))}.");

    public JobKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The kind's name for people ("training run"), or its key in words when no feature registered it.</summary>
    public string DisplayName(string name) => Find(name)?.DisplayName ?? Display.DisplayNames.Words(name);

    private static List<JobKind> Distinct(IEnumerable<JobKind> kinds)
    {
        var list = kinds.ToList();
        if (list.GroupBy(k => k.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"The job kind '{twice.Key}' is registered twice.");
        return list;
    }
}
