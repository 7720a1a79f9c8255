namespace MlopsPortal.Engine.Lineage;

/// <summary>A directed edge between two node indexes of a layout input.</summary>
public readonly record struct LayoutEdge(int From, int To);

/// <summary>Top-left corner and size of a laid-out node.</summary>
public readonly record struct NodeBox(double X, double Y, double Width, double Height)
{
    public double CenterY => Y + Height / 2;
    public double Right => X + Width;
    public double Bottom => Y + Height;
}

public readonly record struct LayoutPoint(double X, double Y);

/// <summary>An edge's polyline from the right side of its source to the left side of its target.</summary>
public sealed record EdgeRoute(int From, int To, IReadOnlyList<LayoutPoint> Points, bool Reversed);

public sealed record LayoutOptions
{
    /// <summary>Horizontal space between two layers (the edges run through it).</summary>
    public double LayerGap { get; init; } = 64;
    /// <summary>Vertical space between two nodes of one layer.</summary>
    public double NodeGap { get; init; } = 16;
    /// <summary>Height reserved for an edge passing through a layer.</summary>
    public double DummyHeight { get; init; } = 6;
    /// <summary>Down-and-up barycenter sweeps of the crossing reduction.</summary>
    public int Sweeps { get; init; } = 12;
    /// <summary>Down-and-up passes that pull nodes toward their neighbours.</summary>
    public int StraighteningPasses { get; init; } = 8;
}

/// <summary>Plain coordinates: the web page's SVG and the report's PDF both draw from this.</summary>
public sealed record LayeredLayoutResult(
    IReadOnlyList<NodeBox> Nodes, IReadOnlyList<int> Layers, IReadOnlyList<EdgeRoute> Edges, double Width, double Height, int Crossings);

/// <summary>
/// A layered left-to-right drawing of a directed graph (the Sugiyama framework): reverse the edges that close
/// cycles, assign layers by longest path, add a placeholder per layer an edge passes through, order each
/// layer by barycenter sweeps (keeping the ordering with the fewest crossings, counted exactly), then assign
/// vertical positions that pull each node toward its neighbours without overlap (an isotonic regression per
/// layer, solved by pool-adjacent-violators).
/// Written here because no library available to this project does it acceptably: GraphShape 1.2.1's
/// SugiyamaLayoutAlgorithm, the only one that restores, is MS-PL (the project was AGPL then; ADR-019 made it MIT, but
/// the speed alone rules GraphShape out) and took 4.9 s for 1,000 nodes and over 60 s for 5,000 on this
/// machine, against goals of 200 ms and 1 s (docs/decisions/ADR-014-lineage-layout.md).
/// </summary>
public static class LayeredLayout
{
    public static LayeredLayoutResult Compute(IReadOnlyList<(double Width, double Height)> sizes, IEnumerable<LayoutEdge> edges, LayoutOptions? options = null)
    {
        options ??= new LayoutOptions();
        var n = sizes.Count;
        var input = edges.Where(e => e.From != e.To).Distinct().ToList();
        foreach (var e in input)
            if ((uint)e.From >= (uint)n || (uint)e.To >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(edges), $"Edge {e.From}→{e.To} names a node outside 0..{n - 1}.");
        if (n == 0) return new LayeredLayoutResult([], [], [], 0, 0, 0);

        var reversed = FeedbackEdges(n, input);
        var dag = input.Select((e, i) => reversed.Contains(i) ? new LayoutEdge(e.To, e.From) : e).Distinct().ToList();
        var layer = AssignLayers(n, dag);
        var graph = new ProperGraph(sizes, layer, dag, options.DummyHeight);
        var crossings = graph.OrderLayers(options.Sweeps);
        var (x, layerWidth) = graph.LayerX(options.LayerGap);
        var y = graph.AssignY(options.NodeGap, options.StraighteningPasses);

        var boxes = new NodeBox[n];
        for (var v = 0; v < n; v++)
            boxes[v] = new NodeBox(x[layer[v]] + (layerWidth[layer[v]] - sizes[v].Width) / 2, y[v] - sizes[v].Height / 2, sizes[v].Width, sizes[v].Height);

        var routes = new List<EdgeRoute>(input.Count);
        for (var i = 0; i < input.Count; i++)
        {
            var rev = reversed.Contains(i);
            var (from, to) = rev ? (input[i].To, input[i].From) : (input[i].From, input[i].To);
            var points = new List<LayoutPoint> { new(boxes[from].Right, boxes[from].CenterY) };
            foreach (var d in graph.Chain(from, to))
            {
                // A placeholder spans its layer's column, so the edge runs level past the nodes there.
                var l = graph.Layer[d];
                points.Add(new LayoutPoint(x[l], y[d]));
                points.Add(new LayoutPoint(x[l] + layerWidth[l], y[d]));
            }
            points.Add(new LayoutPoint(boxes[to].X, boxes[to].CenterY));
            if (rev) points.Reverse();
            routes.Add(new EdgeRoute(input[i].From, input[i].To, points, rev));
        }
        var width = x[^1] + layerWidth[^1];
        var height = Enumerable.Range(0, graph.Count).Max(v => y[v] + graph.Height[v] / 2);
        return new LayeredLayoutResult(boxes, layer, routes, width, height, crossings);
    }

    /// <summary>Counts pairs of edge routes whose straight segments cross (a check independent of the ordering's own count).</summary>
    public static int CountCrossings(LayeredLayoutResult layout)
    {
        // Segments between the same two x positions cross when their end orders differ.
        var segments = new Dictionary<(double, double), List<(double A, double B)>>();
        foreach (var route in layout.Edges)
            for (var i = 1; i < route.Points.Count; i++)
            {
                var (p, q) = (route.Points[i - 1], route.Points[i]);
                if (p.X == q.X) continue;
                var key = p.X < q.X ? (p.X, q.X) : (q.X, p.X);
                if (!segments.TryGetValue(key, out var list)) segments[key] = list = [];
                list.Add(p.X < q.X ? (p.Y, q.Y) : (q.Y, p.Y));
            }
        var count = 0;
        foreach (var list in segments.Values)
            for (var i = 0; i < list.Count; i++)
                for (var j = i + 1; j < list.Count; j++)
                    if ((list[i].A - list[j].A) * (list[i].B - list[j].B) < 0) count++;
        return count;
    }

    /// <summary>The input edges (by index) that close a cycle in a depth-first search.</summary>
    private static HashSet<int> FeedbackEdges(int n, List<LayoutEdge> edges)
    {
        var outgoing = new List<int>[n];
        for (var v = 0; v < n; v++) outgoing[v] = [];
        for (var i = 0; i < edges.Count; i++) outgoing[edges[i].From].Add(i);
        var state = new byte[n]; // 0 new, 1 on the stack, 2 done
        var back = new HashSet<int>();
        var stack = new Stack<(int Node, int Next)>();
        for (var root = 0; root < n; root++)
        {
            if (state[root] != 0) continue;
            stack.Push((root, 0));
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (v, next) = stack.Pop();
                if (next < outgoing[v].Count)
                {
                    stack.Push((v, next + 1));
                    var e = outgoing[v][next];
                    var w = edges[e].To;
                    if (state[w] == 1) back.Add(e);
                    else if (state[w] == 0)
                    {
                        state[w] = 1;
                        stack.Push((w, 0));
                    }
                }
                else state[v] = 2;
            }
        }
        return back;
    }

    /// <summary>Longest path from the sources; then each source moves right to sit just before its nearest target.</summary>
    private static int[] AssignLayers(int n, List<LayoutEdge> dag)
    {
        var indegree = new int[n];
        var outgoing = new List<int>[n];
        var incoming = new List<int>[n];
        for (var v = 0; v < n; v++) (outgoing[v], incoming[v]) = ([], []);
        foreach (var e in dag)
        {
            outgoing[e.From].Add(e.To);
            incoming[e.To].Add(e.From);
            indegree[e.To]++;
        }
        var layer = new int[n];
        var order = new List<int>(n);
        var queue = new Queue<int>(Enumerable.Range(0, n).Where(v => indegree[v] == 0));
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            order.Add(v);
            foreach (var w in outgoing[v])
            {
                layer[w] = Math.Max(layer[w], layer[v] + 1);
                if (--indegree[w] == 0) queue.Enqueue(w);
            }
        }
        for (var i = order.Count - 1; i >= 0; i--)
        {
            var v = order[i];
            if (incoming[v].Count == 0 && outgoing[v].Count > 0)
                layer[v] = outgoing[v].Min(w => layer[w]) - 1;
        }
        var min = layer.Min();
        for (var v = 0; v < n; v++) layer[v] -= min;
        return layer;
    }

    /// <summary>The graph with a placeholder wherever an edge crosses a layer, so every edge joins adjacent layers.</summary>
    private sealed class ProperGraph
    {
        public readonly List<int> Layer = [];
        public readonly List<double> Height = [];
        private readonly List<double> _width = [];
        private readonly List<List<int>> _down = [];
        private readonly List<List<int>> _up = [];
        private readonly Dictionary<(int, int), List<int>> _chains = [];
        private readonly List<int>[] _layers;
        private readonly int[] _position;

        public int Count => Layer.Count;

        public ProperGraph(IReadOnlyList<(double Width, double Height)> sizes, int[] layer, List<LayoutEdge> dag, double dummyHeight)
        {
            for (var v = 0; v < sizes.Count; v++) Add(layer[v], sizes[v].Width, sizes[v].Height);
            foreach (var e in dag)
            {
                var chain = new List<int>();
                var previous = e.From;
                for (var l = layer[e.From] + 1; l < layer[e.To]; l++)
                {
                    var d = Add(l, 0, dummyHeight);
                    chain.Add(d);
                    Link(previous, d);
                    previous = d;
                }
                Link(previous, e.To);
                _chains[(e.From, e.To)] = chain;
            }
            _layers = new List<int>[layer.Max() + 1];
            for (var l = 0; l < _layers.Length; l++) _layers[l] = [];
            _position = new int[Count];
            // Initial order: depth-first from the sources, so that related nodes start near each other.
            var seen = new bool[Count];
            var stack = new Stack<int>();
            for (var root = Count - 1; root >= 0; root--)
                if (_up[root].Count == 0) stack.Push(root);
            while (stack.Count > 0)
            {
                var v = stack.Pop();
                if (seen[v]) continue;
                seen[v] = true;
                _position[v] = _layers[Layer[v]].Count;
                _layers[Layer[v]].Add(v);
                for (var i = _down[v].Count - 1; i >= 0; i--)
                    if (!seen[_down[v][i]]) stack.Push(_down[v][i]);
            }
        }

        public IReadOnlyList<int> Chain(int from, int to) => _chains[(from, to)];

        private int Add(int layer, double width, double height)
        {
            Layer.Add(layer);
            _width.Add(width);
            Height.Add(height);
            _down.Add([]);
            _up.Add([]);
            return Layer.Count - 1;
        }

        private void Link(int a, int b)
        {
            _down[a].Add(b);
            _up[b].Add(a);
        }

        /// <summary>Barycenter sweeps; returns the crossing count of the best ordering, which it keeps.</summary>
        public int OrderLayers(int sweeps)
        {
            var best = _layers.Select(l => l.ToArray()).ToArray();
            var bestCrossings = Crossings();
            for (var s = 0; s < sweeps && bestCrossings > 0; s++)
            {
                for (var l = 1; l < _layers.Length; l++) Reorder(l, _up);
                for (var l = _layers.Length - 2; l >= 0; l--) Reorder(l, _down);
                Transpose(4);
                var crossings = Crossings();
                if (crossings < bestCrossings)
                {
                    bestCrossings = crossings;
                    best = _layers.Select(l => l.ToArray()).ToArray();
                }
            }
            for (var l = 0; l < _layers.Length; l++)
            {
                _layers[l] = [.. best[l]];
                for (var i = 0; i < best[l].Length; i++) _position[best[l][i]] = i;
            }
            return bestCrossings;
        }

        private void Reorder(int l, List<List<int>> fixedSide)
        {
            var nodes = _layers[l];
            // Nodes with neighbours on the fixed side sort by their barycenter into the slots they held;
            // a node without such neighbours keeps its slot.
            var movable = new List<(double Key, int Node)>();
            var slots = new List<int>();
            for (var i = 0; i < nodes.Count; i++)
            {
                var neighbours = fixedSide[nodes[i]];
                if (neighbours.Count == 0) continue;
                var sum = 0.0;
                foreach (var w in neighbours) sum += _position[w];
                movable.Add((sum / neighbours.Count, nodes[i]));
                slots.Add(i);
            }
            var sorted = movable.Select((m, k) => (m.Key, m.Node, k)).OrderBy(m => m.Key).ThenBy(m => m.k).ToList();
            for (var k = 0; k < slots.Count; k++) nodes[slots[k]] = sorted[k].Node;
            for (var i = 0; i < nodes.Count; i++) _position[nodes[i]] = i;
        }

        /// <summary>
        /// Swaps neighbours in a layer while that removes crossings with the layers on both sides (the "transpose"
        /// step of Gansner et al.); a few passes at most.
        /// </summary>
        private void Transpose(int maxPasses)
        {
            for (var pass = 0; pass < maxPasses; pass++)
            {
                var improved = false;
                for (var l = 0; l < _layers.Length; l++)
                {
                    var nodes = _layers[l];
                    for (var i = 0; i + 1 < nodes.Count; i++)
                    {
                        var (u, v) = (nodes[i], nodes[i + 1]);
                        var now = PairCrossings(u, v, _up) + PairCrossings(u, v, _down);
                        var swapped = PairCrossings(v, u, _up) + PairCrossings(v, u, _down);
                        if (swapped < now)
                        {
                            (nodes[i], nodes[i + 1]) = (v, u);
                            _position[u] = i + 1;
                            _position[v] = i;
                            improved = true;
                        }
                    }
                }
                if (!improved) break;
            }
        }

        /// <summary>Crossings between u's and v's edges to one side when u is placed just above v.</summary>
        private long PairCrossings(int u, int v, List<List<int>> side)
        {
            long count = 0;
            foreach (var a in side[u])
                foreach (var b in side[v])
                    if (_position[a] > _position[b]) count++;
            return count;
        }

        /// <summary>Exact crossings between adjacent layers: inversions of target positions, counted with a Fenwick tree.</summary>
        private int Crossings()
        {
            long total = 0;
            for (var l = 0; l + 1 < _layers.Length; l++)
            {
                var targets = new List<int>();
                foreach (var v in _layers[l])
                    targets.AddRange(_down[v].Select(w => _position[w]).Order());
                var size = _layers[l + 1].Count;
                var tree = new int[size + 1];
                for (var i = targets.Count - 1; i >= 0; i--)
                {
                    // Edges met later in this layer's order that end above this one cross it.
                    for (var k = targets[i]; k > 0; k -= k & -k) total += tree[k];
                    for (var k = targets[i] + 1; k <= size; k += k & -k) tree[k]++;
                }
            }
            return (int)Math.Min(total, int.MaxValue);
        }

        public (double[] X, double[] Width) LayerX(double gap)
        {
            var width = _layers.Select(l => l.Count == 0 ? 0 : l.Max(v => _width[v])).ToArray();
            var x = new double[_layers.Length];
            for (var l = 1; l < x.Length; l++) x[l] = x[l - 1] + width[l - 1] + gap;
            return (x, width);
        }

        /// <summary>Vertical centers: packed, then pulled toward the neighbours' average, keeping order and spacing.</summary>
        public double[] AssignY(double gap, int passes)
        {
            var y = new double[Count];
            foreach (var nodes in _layers)
            {
                var top = 0.0;
                foreach (var v in nodes)
                {
                    y[v] = top + Height[v] / 2;
                    top += Height[v] + gap;
                }
            }
            for (var p = 0; p < passes; p++)
            {
                for (var l = 1; l < _layers.Length; l++) Straighten(l, y, gap, _up, p == passes - 1);
                for (var l = _layers.Length - 2; l >= 0; l--) Straighten(l, y, gap, _down, p == passes - 1);
            }
            // Whole hundredths keep the drawing free of -0.00000000000003 and similar.
            var min = Enumerable.Range(0, Count).Min(v => y[v] - Height[v] / 2);
            for (var v = 0; v < Count; v++) y[v] = Math.Round(y[v] - min, 2);
            return y;
        }

        private void Straighten(int l, double[] y, double gap, List<List<int>> side, bool both)
        {
            var nodes = _layers[l];
            if (nodes.Count == 0) return;
            // Minimise Σ (y_i − want_i)² subject to y_{i+1} − y_i ≥ s_i: with z_i = y_i − S_i (S the running sum of
            // the spacings) the constraint is z non-decreasing, which pool-adjacent-violators solves exactly.
            var offset = new double[nodes.Count];
            for (var i = 1; i < nodes.Count; i++)
                offset[i] = offset[i - 1] + (Height[nodes[i - 1]] + Height[nodes[i]]) / 2 + gap;
            var blocks = new List<(double Sum, int Count)>(nodes.Count);
            for (var i = 0; i < nodes.Count; i++)
            {
                var v = nodes[i];
                var neighbours = both ? _up[v].Concat(_down[v]) : side[v];
                var count = 0;
                var sum = 0.0;
                foreach (var w in neighbours)
                {
                    sum += y[w];
                    count++;
                }
                var want = count == 0 ? y[v] : sum / count;
                blocks.Add((want - offset[i], 1));
                while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count > blocks[^1].Sum / blocks[^1].Count)
                {
                    var merged = (blocks[^2].Sum + blocks[^1].Sum, blocks[^2].Count + blocks[^1].Count);
                    blocks.RemoveAt(blocks.Count - 1);
                    blocks[^1] = merged;
                }
            }
            var index = 0;
            foreach (var (sum, count) in blocks)
            {
                var z = sum / count;
                for (var k = 0; k < count; k++, index++) y[nodes[index]] = z + offset[index];
            }
        }
    }
}
