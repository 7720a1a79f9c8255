using MlopsPortal.Engine.Lineage;

namespace MlopsPortal.Core.Lineage;

public enum LineageDirection { Up, Down, Both }

/// <summary>
/// One entity in a lineage answer. <see cref="Id"/> is "kind:entity-id"; a group of collapsed siblings has the id
/// "group:…" and <see cref="Members"/> above one.
/// </summary>
public sealed record LineageNode(string Id, string Kind, string EntityId, string Name, string KeyFact, string? Url)
{
    public bool Focus { get; init; }
    public int Members { get; init; } = 1;
    /// <summary>Hover text: what the node is, in a sentence or two.</summary>
    public string Detail { get; init; } = "";

    public bool IsGroup => Members > 1;
}

/// <summary>"to" derives from "from".</summary>
public sealed record LineageLink(string From, string To, string Relation);

public sealed record LineageGraph(string Focus, IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageLink> Edges)
{
    /// <summary>True when the walk stopped at the node limit before reaching the requested depth.</summary>
    public bool Truncated { get; init; }
    /// <summary>Groups of siblings that the answer shows as one node (expand them with their ids).</summary>
    public IReadOnlyList<string> Collapsed => Nodes.Where(n => n.IsGroup).Select(n => n.Id).ToList();

    /// <summary>
    /// The shortest chain of edges joining two nodes, whichever way the edges point (empty when they are not
    /// connected): what the page highlights.
    /// </summary>
    public (IReadOnlySet<string> Nodes, IReadOnlySet<LineageLink> Edges) PathBetween(string from, string to)
    {
        var links = new Dictionary<string, List<(string Other, LineageLink Link)>>();
        foreach (var e in Edges)
        {
            (links.TryGetValue(e.From, out var a) ? a : links[e.From] = []).Add((e.To, e));
            (links.TryGetValue(e.To, out var b) ? b : links[e.To] = []).Add((e.From, e));
        }
        var previous = new Dictionary<string, (string Node, LineageLink Link)?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0 && !previous.ContainsKey(to))
        {
            var v = queue.Dequeue();
            foreach (var (w, link) in links.GetValueOrDefault(v) ?? [])
                if (previous.TryAdd(w, (v, link)))
                    queue.Enqueue(w);
        }
        if (!previous.ContainsKey(to)) return (new HashSet<string>(), new HashSet<LineageLink>());
        var nodes = new HashSet<string> { to };
        var edges = new HashSet<LineageLink>();
        for (var step = previous[to]; step is { } s; step = previous[s.Node])
        {
            nodes.Add(s.Node);
            edges.Add(s.Link);
        }
        return (nodes, edges);
    }
}

/// <summary>A lineage graph with coordinates: what the web page's SVG and the report's PDF both draw.</summary>
public sealed record LineageDrawing(LineageGraph Graph, IReadOnlyDictionary<string, NodeBox> Boxes, IReadOnlyList<(LineageLink Link, EdgeRoute Route)> Routes,
    double Width, double Height, int Crossings)
{
    public const double NodeWidth = 208;
    public const double NodeHeight = 58;

    public static LineageDrawing Of(LineageGraph graph, LayoutOptions? options = null)
    {
        var index = new Dictionary<string, int>(graph.Nodes.Count);
        for (var i = 0; i < graph.Nodes.Count; i++) index[graph.Nodes[i].Id] = i;
        var links = graph.Edges.Where(e => index.ContainsKey(e.From) && index.ContainsKey(e.To)).ToList();
        var layout = LayeredLayout.Compute(graph.Nodes.Select(_ => (NodeWidth, NodeHeight)).ToList(),
            links.Select(e => new LayoutEdge(index[e.From], index[e.To])), options);
        var boxes = new Dictionary<string, NodeBox>(graph.Nodes.Count);
        for (var i = 0; i < graph.Nodes.Count; i++) boxes[graph.Nodes[i].Id] = layout.Nodes[i];
        var routes = layout.Edges.ToDictionary(r => (r.From, r.To));
        return new LineageDrawing(graph, boxes, links.Select(l => (l, routes[(index[l.From], index[l.To])])).ToList(),
            layout.Width, layout.Height, layout.Crossings);
    }
}
