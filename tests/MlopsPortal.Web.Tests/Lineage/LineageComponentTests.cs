using Bunit;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Web.Components.Pages.Lineage;

namespace MlopsPortal.Web.Tests.Lineage;

/// <summary>The SVG drawn from the server's layout: nodes where the layout put them, links, the focus and a highlighted path.</summary>
public sealed class LineageComponentTests : BunitContext
{
    private static LineageGraph Graph() => new("model-version:v",
    [
        new LineageNode("dataset-version:d", EntityKinds.DatasetVersion, "d", "credit v1", "sha256 0123456789ab · 500 rows", "/datasets/versions/d"),
        new LineageNode("training-run:r", EntityKinds.TrainingRun, "r", "Training of credit", "Succeeded · seed 7", "/runs/r"),
        new LineageNode("model-version:v", EntityKinds.ModelVersion, "v", "credit v1", "Production", "/model-versions/v") { Focus = true },
        new LineageNode("group:x", EntityKinds.ScoringJob, "", "300 × scoring job", "grouped by 'scored-with'", null) { Members = 300, Detail = "300 scoring jobs" },
    ],
    [
        new LineageLink("dataset-version:d", "training-run:r", "trained-on"),
        new LineageLink("training-run:r", "model-version:v", "produced"),
        new LineageLink("model-version:v", "group:x", "scored-with"),
    ]);

    [Fact]
    public void ShouldDrawEveryNodeAtItsLayoutPosition_AndLinkItToItsPage()
    {
        var drawing = LineageDrawing.Of(Graph());
        var cut = Render<LineageSvg>(p => p.Add(s => s.Drawing, drawing).Add(s => s.GroupHref, n => $"/expand/{n.Id}"));
        var nodes = cut.FindAll("a[data-node]");
        nodes.Count.ShouldBe(4);
        foreach (var node in nodes)
        {
            var box = drawing.Boxes[node.GetAttribute("data-node")!];
            node.QuerySelector("g")!.GetAttribute("transform").ShouldBe($"translate({box.X:0.#},{box.Y:0.#})");
        }
        cut.Find("a[data-node='training-run:r']").GetAttribute("href").ShouldBe("/runs/r");
        cut.Find("a[data-node='group:x']").GetAttribute("href").ShouldBe("/expand/group:x");
        cut.Find("a[data-node='group:x']").GetAttribute("data-group").ShouldBe("true");
        cut.Find("a[data-focus=true]").GetAttribute("data-node").ShouldBe("model-version:v");
        // Kind badge, name, key fact and the hover text.
        var run = cut.Find("a[data-node='training-run:r']");
        run.TextContent.ShouldContain("TR");
        run.TextContent.ShouldContain("Succeeded · seed 7");
        run.QuerySelector("title")!.TextContent.ShouldStartWith("Training run: Training of credit.");
        cut.FindAll("path[data-relation]").Select(p => p.GetAttribute("data-relation")).ShouldBe(["trained-on", "produced", "scored-with"], ignoreOrder: true);
        // Left to right: the dataset's box is left of the run's, the run's left of the version's.
        drawing.Boxes["dataset-version:d"].Right.ShouldBeLessThan(drawing.Boxes["training-run:r"].X);
        drawing.Boxes["training-run:r"].Right.ShouldBeLessThan(drawing.Boxes["model-version:v"].X);
    }

    [Theory]
    [InlineData("Evaluation of credit-risk v12", "Evaluation of", "credit-risk v12")]
    [InlineData("Model audit report: credit-risk v1", "Model audit report:", "credit-risk v1")]
    [InlineData("credit-applications-monthly v3", "credit-applications-", "monthly v3")]
    public void ShouldDrawALongNameWholeOnTwoLines_InsteadOfCuttingIt(string name, string first, string second)
    {
        var graph = new LineageGraph("evaluation:e", [new LineageNode("evaluation:e", EntityKinds.Evaluation, "e", name, "AUC 0.811 · criteria met", "/evaluations/e") { Focus = true }], []);
        var cut = Render<LineageSvg>(p => p.Add(s => s.Drawing, LineageDrawing.Of(graph)));
        cut.FindAll("text[data-name]").Select(t => t.TextContent).ShouldBe([first, second]);
        cut.Find("a[data-node]").TextContent.ShouldNotContain("…");
        LineageSvg.NameLines("credit-risk v1").ShouldBe(["credit-risk v1"]);
    }

    [Fact]
    public void ShouldHighlightThePath_AndDimTheRest_WhenTwoNodesAreChosen()
    {
        var graph = Graph();
        var (nodes, edges) = graph.PathBetween("dataset-version:d", "model-version:v");
        nodes.ShouldBe(["dataset-version:d", "training-run:r", "model-version:v"], ignoreOrder: true);
        edges.Count.ShouldBe(2);
        var cut = Render<LineageSvg>(p => p.Add(s => s.Drawing, LineageDrawing.Of(graph)).Add(s => s.HighlightNodes, nodes).Add(s => s.HighlightEdges, edges));
        cut.FindAll("path[stroke='#e65100']").Count.ShouldBe(2);
        cut.Find("a[data-node='group:x'] g").GetAttribute("opacity").ShouldBe("0.4");
        cut.Find("a[data-node='training-run:r'] g").GetAttribute("opacity").ShouldBe("1");
    }

    [Fact]
    public void ShouldFindNoPath_WhenTheNodesAreNotConnected()
    {
        var graph = Graph() with { Edges = [] };
        graph.PathBetween("dataset-version:d", "model-version:v").Nodes.ShouldBeEmpty();
    }

    [Fact]
    public void ShouldCollapseManySiblings_AndKeepTheirOutputsAsASecondGroup()
    {
        var nodes = new List<LineageNode> { new("model-version:v", EntityKinds.ModelVersion, "v", "m v1", "Production", "/model-versions/v") { Focus = true } };
        var edges = new List<LineageLink>();
        for (var i = 0; i < 300; i++)
        {
            nodes.Add(new($"scoring-job:{i}", EntityKinds.ScoringJob, $"{i}", $"Scoring {i}", "Succeeded", $"/jobs/{i}"));
            nodes.Add(new($"dataset-version:o{i}", EntityKinds.DatasetVersion, $"o{i}", $"m-scores v{i}", "sha256 …", $"/datasets/versions/o{i}"));
            edges.Add(new("model-version:v", $"scoring-job:{i}", "scored-with"));
            edges.Add(new($"scoring-job:{i}", $"dataset-version:o{i}", "produced"));
        }
        nodes.Add(new("scoring-job:solo", EntityKinds.ScoringJob, "solo", "Another", "Failed", "/jobs/solo"));
        edges.Add(new("model-version:v", "scoring-job:solo", "other-relation"));
        var graph = new LineageGraph("model-version:v", nodes, edges);

        var collapsed = LineageService.CollapseSiblings(graph, new HashSet<string>());
        collapsed.Nodes.Count.ShouldBe(4);
        var jobs = collapsed.Nodes.Single(n => n.IsGroup && n.Kind == EntityKinds.ScoringJob);
        jobs.Members.ShouldBe(300);
        jobs.Name.ShouldBe("300 × scoring job");
        var outputs = collapsed.Nodes.Single(n => n.IsGroup && n.Kind == EntityKinds.DatasetVersion);
        collapsed.Edges.ShouldBe([
            new LineageLink("model-version:v", jobs.Id, "scored-with"),
            new LineageLink(jobs.Id, outputs.Id, "produced"),
            new LineageLink("model-version:v", "scoring-job:solo", "other-relation"),
        ], ignoreOrder: true);

        // Expanding the jobs' group shows the 300 jobs (their outputs regroup per job only when more than six).
        var expanded = LineageService.CollapseSiblings(graph, new HashSet<string> { jobs.Id });
        expanded.Nodes.Count(n => n.Kind == EntityKinds.ScoringJob).ShouldBe(301);
    }

    [Fact]
    public void ShouldJoinAHiddenKindsNeighbours_WhenAKindIsHidden()
    {
        var hidden = LineageService.Hide(Graph(), new HashSet<string> { EntityKinds.TrainingRun });
        hidden.Nodes.ShouldNotContain(n => n.Kind == EntityKinds.TrainingRun);
        hidden.Edges.ShouldContain(new LineageLink("dataset-version:d", "model-version:v", "via training-run"));
        // The focus never hides.
        LineageService.Hide(Graph(), new HashSet<string> { EntityKinds.ModelVersion }).Nodes.ShouldContain(n => n.Focus);
    }
}
