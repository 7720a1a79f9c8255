using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Tests.Architecture;

/// <summary>
/// Core's features in one order (docs/architecture.md, "Features in one order"): a feature may use the features listed
/// before it and never one listed after it, so no two features depend on each other. Read from the compiled assembly.
/// </summary>
public class FeatureOrderTests
{
    /// <summary>Lowest first. A new feature folder must be placed here, or the second test fails.</summary>
    public static readonly string[] Order =
    [
        "Security", "Data", "Exports", "Display", "AuditTrail", "Users", "ApiTokens", "Notifications", "Artifacts", "Scheduling",
        "Datasets", "ModelRegistry", "StageChanges", "Training", "Fairness", "Drift", "Approvals", "Monitoring", "Lineage",
        "AuditReading", "Reports", "UserAdmin", "Housekeeping", "Dashboards", "Demo",
    ];

    // The database context lists every feature's tables (its DbSets): it is the model's composition point, as
    // PortalCoreExtensions (outside every feature) is the services'. Its own code uses nothing above Data.
    private static readonly FeatureGraph Graph = FeatureGraph.Read(typeof(PortalDbContext).Assembly.Location,
        exempt: t => t.FullName == typeof(PortalDbContext).FullName);

    [Fact]
    public void ShouldReferenceOnlyLowerFeatures_InEveryCoreFeature()
    {
        var upward = Graph.Edges
            .Where(e => Array.IndexOf(Order, e.Key.To) > Array.IndexOf(Order, e.Key.From))
            .Select(e => $"{e.Key.From} uses {e.Key.To}, which comes after it: {string.Join("; ", e.Value.Take(5))}")
            .ToList();
        upward.ShouldBeEmpty();
    }

    [Fact]
    public void ShouldPlaceEveryCoreFeatureInTheOrder()
    {
        Graph.Features.Except(Order).ShouldBeEmpty("a new feature folder: add it to FeatureOrderTests.Order and to the picture in docs/architecture.md");
        Order.Except(Graph.Features).ShouldBeEmpty("a feature in the order that no longer exists");
    }

    [Fact]
    public void ShouldSeeTheReferencesItJudges_InSignaturesAndMethodBodies()
    {
        // A reader that saw nothing would pass the order test: these references are known. The first is a constructor
        // parameter, the second only a static call inside a method body, the third an interface a feature implements.
        Graph.Edges.Keys.ShouldContain(("Approvals", "StageChanges"));
        Graph.Edges[("Drift", "ModelRegistry")].ShouldContain("DriftService → ModelRowLock");
        Graph.Edges[("Reports", "Lineage")].ShouldContain("ReportLineageNodes → ILineageNodeSource");
    }
}
