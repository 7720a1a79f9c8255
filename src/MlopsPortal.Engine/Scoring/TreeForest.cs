using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlopsPortal.Engine.Scoring;

/// <summary>
/// One node of a flattened tree, 16 bytes, the layout the CUDA kernel reads: <see cref="Value"/> is the split
/// threshold of an inner node or the leaf value; <see cref="Info"/> packs the leaf flag (bit 31), "missing goes
/// left" (bit 30) and the feature index (bits 0–29); <see cref="Left"/> is the absolute index of the left child,
/// whose right sibling follows it.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct ForestNode(float Value, uint Info, int Left, int Reserved = 0)
{
    public const uint LeafFlag = 1u << 31;
    public const uint DefaultLeftFlag = 1u << 30;
    public const uint FeatureMask = (1u << 30) - 1;

    public bool IsLeaf => (Info & LeafFlag) != 0;
    public bool DefaultLeft => (Info & DefaultLeftFlag) != 0;
    public int Feature => (int)(Info & FeatureMask);
}

/// <summary>What the forest's raw sum goes through: nothing (regression, logitraw) or the logistic function.</summary>
public enum ForestTransform { Identity = 0, Sigmoid = 1 }

/// <summary>
/// An XGBoost tree ensemble flattened for traversal (after RAPIDS' Forest Inference Library: one node array, children
/// adjacent, a root offset per tree). Built from XGBoost's JSON model; <see cref="PredictCpu"/> walks it the way the
/// CUDA kernel does, and the tests hold that walk equal to libxgboost's own predictions, which is what makes the GPU's
/// numbers trustworthy. Written here: no .NET library reads XGBoost models, and FIL is C++/CUDA.
/// </summary>
public sealed class TreeForest
{
    public IReadOnlyList<ForestNode> Nodes => _nodes;
    public IReadOnlyList<int> Roots => _roots;
    public int Features { get; }
    /// <summary>The starting value of every row's sum (base_score in margin space).</summary>
    public float BaseMargin { get; }
    public ForestTransform Transform { get; }
    public string Objective { get; }
    public int MaxDepth { get; }

    private readonly ForestNode[] _nodes;
    private readonly int[] _roots;

    public TreeForest(ForestNode[] nodes, int[] roots, int features, float baseMargin, ForestTransform transform, string objective = "")
    {
        _nodes = nodes;
        _roots = roots;
        Features = features;
        BaseMargin = baseMargin;
        Transform = transform;
        Objective = objective;
        MaxDepth = roots.Length == 0 ? 0 : roots.Max(r => Depth(r));
    }

    private int Depth(int index) => _nodes[index].IsLeaf ? 0 : 1 + Math.Max(Depth(_nodes[index].Left), Depth(_nodes[index].Left + 1));

    /// <summary>The node array as raw memory for a device copy.</summary>
    public ReadOnlySpan<ForestNode> NodeSpan => _nodes;
    public ReadOnlySpan<int> RootSpan => _roots;

    private static readonly Dictionary<string, (ForestTransform Transform, bool LogitBase)> Objectives = new()
    {
        ["binary:logistic"] = (ForestTransform.Sigmoid, true),
        ["reg:logistic"] = (ForestTransform.Sigmoid, true),
        ["binary:logitraw"] = (ForestTransform.Identity, true),
        ["reg:squarederror"] = (ForestTransform.Identity, false),
        ["reg:linear"] = (ForestTransform.Identity, false),
        ["reg:absoluteerror"] = (ForestTransform.Identity, false),
        ["reg:pseudohubererror"] = (ForestTransform.Identity, false),
    };

    /// <summary>Reads XGBoost's JSON model (as saved by XGBoosterSaveModel / the model package's model.json).</summary>
    public static TreeForest FromXGBoostJson(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var learner = document.RootElement.GetProperty("learner");
        var objective = learner.GetProperty("objective").GetProperty("name").GetString() ?? "";
        if (!Objectives.TryGetValue(objective, out var kind))
            throw new NotSupportedException($"The GPU scorer handles binary logistic and regression models; this one's objective is '{objective}'.");
        var booster = learner.GetProperty("gradient_booster");
        var boosterName = booster.GetProperty("name").GetString();
        if (boosterName != "gbtree")
            throw new NotSupportedException($"The GPU scorer handles gbtree boosters, not '{boosterName}'.");
        var parameters = learner.GetProperty("learner_model_param");
        var features = int.Parse(parameters.GetProperty("num_feature").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var numClass = parameters.TryGetProperty("num_class", out var nc) ? int.Parse(nc.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (numClass > 1) throw new NotSupportedException("The GPU scorer handles single-output models, not multi-class ones.");
        var baseScore = float.Parse(parameters.GetProperty("base_score").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // XGBoost keeps base_score in probability space for logistic objectives and turns it into a margin (ProbToMargin), in float.
        var baseMargin = kind.LogitBase ? -MathF.Log(1f / baseScore - 1f) : baseScore;

        var nodes = new List<ForestNode>();
        var roots = new List<int>();
        foreach (var tree in booster.GetProperty("model").GetProperty("trees").EnumerateArray())
        {
            var left = Ints(tree.GetProperty("left_children"));
            var right = Ints(tree.GetProperty("right_children"));
            var feature = Ints(tree.GetProperty("split_indices"));
            var condition = Floats(tree.GetProperty("split_conditions"));
            var defaultLeft = Ints(tree.GetProperty("default_left"));
            if (tree.TryGetProperty("split_type", out var types) && Ints(types).Any(t => t != 0))
                throw new NotSupportedException("The model has categorical splits, which the GPU scorer does not handle; score it on the CPU.");
            roots.Add(nodes.Count);
            // Breadth-first, so that every inner node's two children sit side by side.
            var order = new List<int> { 0 };
            var placed = new Dictionary<int, int> { [0] = nodes.Count };
            nodes.Add(default);
            for (var k = 0; k < order.Count; k++)
            {
                var xg = order[k];
                var at = placed[xg];
                if (left[xg] < 0)
                {
                    nodes[at] = new ForestNode(condition[xg], ForestNode.LeafFlag, -1);
                    continue;
                }
                if ((uint)feature[xg] > ForestNode.FeatureMask) throw new InvalidDataException($"Feature index {feature[xg]} is out of range.");
                var first = nodes.Count;
                placed[left[xg]] = first;
                placed[right[xg]] = first + 1;
                nodes.Add(default);
                nodes.Add(default);
                order.Add(left[xg]);
                order.Add(right[xg]);
                nodes[at] = new ForestNode(condition[xg], (uint)feature[xg] | (defaultLeft[xg] != 0 ? ForestNode.DefaultLeftFlag : 0), first);
            }
        }
        return new TreeForest([.. nodes], [.. roots], features, baseMargin, kind.Transform, objective);
    }

    private static int[] Ints(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind switch
        {
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            _ => e.GetInt32(),
        }).ToArray();

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    /// <summary>XGBoost's logistic function in float (math.h's Sigmoid: the exponent clamped at 88.7).</summary>
    public static float Sigmoid(float margin) => 1f / (MathF.Exp(MathF.Min(-margin, 88.7f)) + 1f);

    /// <summary>
    /// Scores row-major float32 rows (NaN = missing) on all cores: per row, the base margin plus each tree's leaf in
    /// tree order, summed in float like XGBoost's CPU predictor, then the transform.
    /// </summary>
    public void PredictCpu(ReadOnlySpan<float> rows, int count, int columns, Span<float> output, int threads = 0)
    {
        if (columns < Features) throw new ArgumentException($"The rows have {columns} columns; the model reads {Features}.");
        if (rows.Length < (long)count * columns || output.Length < count) throw new ArgumentException("The buffers are smaller than the row count says.");
        unsafe
        {
            fixed (float* x = rows)
            fixed (float* y = output)
            {
                var (xp, yp) = ((IntPtr)x, (IntPtr)y);
                var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
                Parallel.For(0, (count + 4095) / 4096, options, block =>
                {
                    var start = block * 4096;
                    var end = Math.Min(count, start + 4096);
                    for (var r = start; r < end; r++)
                        ((float*)yp)[r] = PredictRow(new ReadOnlySpan<float>((float*)xp + (long)r * columns, columns));
                });
            }
        }
    }

    public float PredictRow(ReadOnlySpan<float> row)
    {
        var sum = BaseMargin;
        var nodes = _nodes;
        foreach (var root in _roots)
        {
            var node = nodes[root];
            while ((node.Info & ForestNode.LeafFlag) == 0)
            {
                var value = row[(int)(node.Info & ForestNode.FeatureMask)];
                var left = float.IsNaN(value) ? (node.Info & ForestNode.DefaultLeftFlag) != 0 : value < node.Value;
                node = nodes[left ? node.Left : node.Left + 1];
            }
            sum += node.Value;
        }
        return Transform == ForestTransform.Sigmoid ? Sigmoid(sum) : sum;
    }

    /// <summary>
    /// A deterministic random ensemble for GPU checks and benchmarks: complete trees of the given depth over the
    /// given features, thresholds in [0, 1), leaves in [−0.1, 0.1), missing values sent left or right at random.
    /// </summary>
    public static TreeForest Synthetic(int trees, int depth, int features, int seed, ForestTransform transform = ForestTransform.Sigmoid)
    {
        var random = new Random(seed);
        var perTree = (1 << (depth + 1)) - 1;
        var nodes = new ForestNode[trees * perTree];
        var roots = new int[trees];
        for (var t = 0; t < trees; t++)
        {
            var start = t * perTree;
            roots[t] = start;
            // Heap order within a tree: node i's children are 2i+1 and 2i+2, adjacent as required.
            for (var i = 0; i < perTree; i++)
            {
                var isLeaf = i >= (1 << depth) - 1;
                nodes[start + i] = isLeaf
                    ? new ForestNode((float)(random.NextDouble() * 0.2 - 0.1), ForestNode.LeafFlag, -1)
                    : new ForestNode((float)random.NextDouble(), (uint)random.Next(features) | (random.Next(2) == 0 ? ForestNode.DefaultLeftFlag : 0), start + 2 * i + 1);
            }
        }
        return new TreeForest(nodes, roots, features, transform == ForestTransform.Sigmoid ? 0f : 0.5f, transform, "synthetic");
    }

    /// <summary>Deterministic rows in [0, 1) with about 2 % missing, for the same checks.</summary>
    public static float[] SyntheticRows(long rows, int features, int seed)
    {
        var values = new float[rows * features];
        var random = new Random(seed);
        for (long i = 0; i < values.LongLength; i++)
            values[i] = random.Next(50) == 0 ? float.NaN : (float)random.NextDouble();
        return values;
    }
}
