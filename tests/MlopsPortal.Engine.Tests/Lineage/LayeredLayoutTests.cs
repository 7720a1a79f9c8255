using MlopsPortal.Engine.Lineage;

namespace MlopsPortal.Engine.Tests.Lineage;

public sealed class LayeredLayoutTests
{
    private static List<(double, double)> Boxes(int n) => Enumerable.Repeat((208.0, 58.0), n).ToList();

    /// <summary>A lineage-shaped graph: data → runs → versions → evaluations, audits, scoring jobs → outputs.</summary>
    internal static (int Nodes, List<LayoutEdge> Edges) LineageLike(int versions, int jobsPerVersion)
    {
        var edges = new List<LayoutEdge>();
        var next = 0;
        var data = next++;
        for (var v = 0; v < versions; v++)
        {
            var run = next++;
            var version = next++;
            var evaluation = next++;
            var audit = next++;
            edges.Add(new(data, run));
            edges.Add(new(run, version));
            edges.Add(new(version, evaluation));
            edges.Add(new(data, evaluation));
            edges.Add(new(version, audit));
            for (var j = 0; j < jobsPerVersion; j++)
            {
                var input = next++;
                var job = next++;
                var output = next++;
                edges.Add(new(input, job));
                edges.Add(new(version, job));
                edges.Add(new(job, output));
            }
        }
        return (next, edges);
    }

    /// <summary>A random DAG: each node has one or two parents among the twenty before it.</summary>
    internal static (int Nodes, List<LayoutEdge> Edges) RandomDag(int n, int seed)
    {
        var random = new Random(seed);
        var edges = new List<LayoutEdge>();
        for (var i = 1; i < n; i++)
        {
            edges.Add(new(Math.Max(0, i - 1 - random.Next(Math.Min(i, 20))), i));
            if (random.NextDouble() < 0.3) edges.Add(new(random.Next(i), i));
        }
        return (n, edges);
    }

    private static void ShouldBeReadable(LayeredLayoutResult layout)
    {
        // No two nodes overlap.
        var boxes = layout.Nodes.Select((b, i) => (b, i)).OrderBy(x => x.b.X).ThenBy(x => x.b.Y).ToList();
        foreach (var column in boxes.GroupBy(x => x.b.X))
        {
            var sorted = column.OrderBy(x => x.b.Y).ToList();
            for (var k = 1; k < sorted.Count; k++)
                sorted[k].b.Y.ShouldBeGreaterThanOrEqualTo(sorted[k - 1].b.Bottom, $"nodes {sorted[k - 1].i} and {sorted[k].i} overlap");
        }
        var columns = boxes.Select(x => (x.b.X, x.b.Right)).Distinct().OrderBy(c => c.X).ToList();
        for (var k = 1; k < columns.Count; k++) columns[k].X.ShouldBeGreaterThan(columns[k - 1].Right, "layers overlap");
        // Every edge leaves its source's right side, enters its target's left side, and never turns back.
        foreach (var route in layout.Edges)
        {
            route.Reversed.ShouldBeFalse();
            route.Points[0].ShouldBe(new LayoutPoint(layout.Nodes[route.From].Right, layout.Nodes[route.From].CenterY));
            route.Points[^1].ShouldBe(new LayoutPoint(layout.Nodes[route.To].X, layout.Nodes[route.To].CenterY));
            for (var k = 1; k < route.Points.Count; k++) route.Points[k].X.ShouldBeGreaterThan(route.Points[k - 1].X - 1e-9);
            route.Points[^1].X.ShouldBeGreaterThan(route.Points[0].X);
        }
        layout.Nodes.ShouldAllBe(b => b.X >= 0 && b.Y >= 0 && b.Right <= layout.Width + 1e-9 && b.Bottom <= layout.Height + 1e-9);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(5, 12)]
    [InlineData(40, 3)]
    public void ShouldNotOverlapAndPointEveryEdgeRight_WhenTheGraphIsLineageShaped(int versions, int jobs)
    {
        var (n, edges) = LineageLike(versions, jobs);
        var layout = LayeredLayout.Compute(Boxes(n), edges);
        layout.Nodes.Count.ShouldBe(n);
        layout.Edges.Count.ShouldBe(edges.Count);
        ShouldBeReadable(layout);
    }

    [Theory]
    [InlineData(100, 1)]
    [InlineData(300, 2)]
    [InlineData(1000, 3)]
    public void ShouldNotOverlapAndPointEveryEdgeRight_WhenTheDagIsRandom(int n, int seed)
    {
        var (count, edges) = RandomDag(n, seed);
        ShouldBeReadable(LayeredLayout.Compute(Boxes(count), edges));
    }

    /// <summary>
    /// Crossing counts on known graphs, at or below the baselines recorded when the layout was written
    /// (docs/decisions/ADR-014-lineage-layout.md). A change to the ordering that makes any of them worse fails here.
    /// </summary>
    [Theory]
    [InlineData("tree", 0)]
    [InlineData("lineage 5×12", 180)]
    [InlineData("lineage 40×3", 113)]
    [InlineData("K3,3", 9)]
    [InlineData("random 100", 97)]
    [InlineData("random 300", 507)]
    public void ShouldCrossNoMoreThanTheBaseline_WhenKnownGraphsAreLaidOut(string name, int baseline)
    {
        var (n, edges) = name switch
        {
            "tree" => (13, Enumerable.Range(1, 12).Select(i => new LayoutEdge((i - 1) / 3, i)).ToList()),
            "lineage 5×12" => LineageLike(5, 12),
            "lineage 40×3" => LineageLike(40, 3),
            "K3,3" => (6, (from a in Enumerable.Range(0, 3) from b in Enumerable.Range(3, 3) select new LayoutEdge(a, b)).ToList()),
            "random 100" => RandomDag(100, 1),
            "random 300" => RandomDag(300, 2),
            _ => throw new ArgumentException(name),
        };
        var layout = LayeredLayout.Compute(Boxes(n), edges);
        layout.Crossings.ShouldBeLessThanOrEqualTo(baseline);
        // The ordering's own count agrees with the drawn segments.
        LayeredLayout.CountCrossings(layout).ShouldBe(layout.Crossings);
        if (name == "K3,3") layout.Crossings.ShouldBe(9); // every two-layer drawing of K3,3 has exactly C(3,2)² crossings
    }

    [Fact]
    public void ShouldUntangleTwoChains_WhenTheirInputOrderCrosses()
    {
        // 0→3→5 and 1→2→4 given in an order that crosses if kept: the sweeps must uncross it.
        var layout = LayeredLayout.Compute(Boxes(6), [new(0, 3), new(1, 2), new(3, 5), new(2, 4), new(0, 2)]);
        layout.Crossings.ShouldBe(0);
    }

    [Fact]
    public void ShouldPlaceASourceNextToItsTarget_WhenItFeedsALateLayer()
    {
        // 0→1→2→3, and 4 feeds only 3: 4 sits in the layer just before 3, not at the far left.
        var layout = LayeredLayout.Compute(Boxes(5), [new(0, 1), new(1, 2), new(2, 3), new(4, 3)]);
        layout.Layers.ShouldBe([0, 1, 2, 3, 2]);
    }

    [Fact]
    public void ShouldReverseAndFlagTheClosingEdge_WhenTheGraphHasACycle()
    {
        var layout = LayeredLayout.Compute(Boxes(3), [new(0, 1), new(1, 2), new(2, 0)]);
        layout.Edges.Count(e => e.Reversed).ShouldBe(1);
        var back = layout.Edges.Single(e => e.Reversed);
        (back.From, back.To).ShouldBe((2, 0));
        // A reversed edge still runs from its own source to its own target.
        back.Points[0].X.ShouldBe(layout.Nodes[2].X);
        back.Points[^1].X.ShouldBe(layout.Nodes[0].Right);
    }

    [Fact]
    public void ShouldRefuse_WhenAnEdgeNamesAMissingNode()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => LayeredLayout.Compute(Boxes(2), [new(0, 2)])).Message.ShouldContain("0..1");
    }

    [Fact]
    public void ShouldDrawNothing_WhenTheGraphIsEmpty_AndOneNode_WhenAlone()
    {
        LayeredLayout.Compute([], []).Nodes.ShouldBeEmpty();
        var one = LayeredLayout.Compute(Boxes(1), []);
        one.Nodes.ShouldBe([new NodeBox(0, 0, 208, 58)]);
        (one.Width, one.Height).ShouldBe((208, 58));
    }
}
