using System.Text;
using MlopsPortal.Engine.Datasets;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Engine.Scoring;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Scoring;

/// <summary>
/// The flattened layout that the CUDA kernel walks, walked on the CPU, against libxgboost's own predictions: this is
/// the proof that the GPU path computes XGBoost's numbers (the kernel runs the same loop; the GPU check compares the
/// two on a GPU machine).
/// </summary>
public sealed class TreeForestTests
{
    /// <summary>Five features, 15 % missing; the label depends on three of them.</summary>
    private static (float[] Values, float[] Labels) Data(int rows, int seed, bool regression)
    {
        var random = new Random(seed);
        var values = new float[rows * 5];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            for (var c = 0; c < 5; c++)
                values[i * 5 + c] = random.Next(7) == 0 ? float.NaN : (float)(random.NextDouble() * 10 - 3);
            var a = float.IsNaN(values[i * 5]) ? 1 : values[i * 5];
            var b = float.IsNaN(values[i * 5 + 2]) ? -1 : values[i * 5 + 2];
            var signal = a * 0.8 - b * 0.5 + (float.IsNaN(values[i * 5 + 4]) ? 2 : 0) + random.NextDouble() * 2;
            labels[i] = regression ? (float)signal : signal > 1.5 ? 1 : 0;
        }
        return (values, labels);
    }

    private static (XGBoostBooster Booster, float[] Test) Train(string objective, string baseScore, int rounds = 60, int depth = 6)
    {
        var (values, labels) = Data(3000, 1, objective.StartsWith("reg:", StringComparison.Ordinal));
        using var train = new XGBoostMatrix(values, 3000, 5, labels);
        var booster = XGBoostBooster.Create(train, [], new Dictionary<string, string>
        {
            ["objective"] = objective, ["max_depth"] = depth.ToString(), ["eta"] = "0.3", ["seed"] = "3", ["nthread"] = "2", ["base_score"] = baseScore,
        });
        for (var round = 0; round < rounds; round++) booster.UpdateOneRound(round, train);
        return (booster, Data(5000, 2, false).Values);
    }

    private static void ShouldMatchXGBoost(XGBoostBooster booster, float[] test, out TreeForest forest)
    {
        forest = TreeForest.FromXGBoostJson(booster.SaveJson());
        var expected = new float[5000];
        booster.Predict(test, 5000, 5, expected);
        var actual = new float[5000];
        forest.PredictCpu(test, 5000, 5, actual);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i])));
        // Same float sums in the same order: equal up to the last bit of expf (glibc's against .NET's).
        worst.ShouldBeLessThanOrEqualTo(2.5e-7f);
        actual.Count(v => float.IsNaN(v)).ShouldBe(0);
    }

    [Fact]
    public void ShouldGiveXGBoostsPredictions_WhenABinaryLogisticModelWithMissingValuesAndABaseScoreIsFlattened()
    {
        var (booster, test) = Train("binary:logistic", "0.3");
        using (booster)
        {
            ShouldMatchXGBoost(booster, test, out var forest);
            forest.Transform.ShouldBe(ForestTransform.Sigmoid);
            forest.BaseMargin.ShouldBe(-MathF.Log(1f / 0.3f - 1f));
            forest.Roots.Count.ShouldBe(60);
            forest.MaxDepth.ShouldBeLessThanOrEqualTo(6);
            forest.Nodes.ShouldContain(n => !n.IsLeaf && n.DefaultLeft);
            forest.Nodes.ShouldContain(n => !n.IsLeaf && !n.DefaultLeft);
        }
    }

    [Fact]
    public void ShouldGiveXGBoostsPredictions_WhenARegressionModelIsFlattened()
    {
        var (booster, test) = Train("reg:squarederror", "2.5", rounds: 40, depth: 8);
        using (booster)
        {
            ShouldMatchXGBoost(booster, test, out var forest);
            forest.Transform.ShouldBe(ForestTransform.Identity);
            forest.BaseMargin.ShouldBe(2.5f);
        }
    }

    [Fact]
    public void ShouldGiveTheScorersNumbers_WhenAPortalTrainedPackageIsFlattened()
    {
        var csv = Path.Combine(AppContext.BaseDirectory, "data", "compas", "compas-two-years.csv");
        var result = Trainer.Train(() => File.OpenRead(csv), new TrainingRequest("two_year_recid", ["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"],
            new Dictionary<string, string> { ["num_boost_round"] = "30" }, 5, Sha256Hex.Of(File.ReadAllBytes(csv))));
        var (manifest, modelJson) = ModelPackage.Read(new MemoryStream(result.Package));
        var expected = Scorer.Scores(new MemoryStream(result.Package), () => File.OpenRead(csv));
        EncodedTable table;
        using (var stream = File.OpenRead(csv)) table = FeatureEncoder.Encode(stream, manifest.Features, label: null);
        var forest = TreeForest.FromXGBoostJson(modelJson);
        var actual = new float[table.Rows];
        forest.PredictCpu(table.Values, table.Rows, table.Columns, actual);
        for (var i = 0; i < actual.Length; i++) actual[i].ShouldBe(expected[i], 2.5e-7f);
    }

    [Fact]
    public void ShouldPlaceEveryInnerNodesChildrenSideBySide_AndKeepTheFeatureIndexes()
    {
        var (booster, _) = Train("binary:logistic", "0.5", rounds: 5, depth: 4);
        using (booster)
        {
            var forest = TreeForest.FromXGBoostJson(booster.SaveJson());
            var reached = new HashSet<int>();
            foreach (var root in forest.Roots)
            {
                var stack = new Stack<int>([root]);
                while (stack.Count > 0)
                {
                    var i = stack.Pop();
                    reached.Add(i).ShouldBeTrue();
                    var node = forest.Nodes[i];
                    if (node.IsLeaf) continue;
                    node.Feature.ShouldBeInRange(0, 4);
                    node.Left.ShouldBeGreaterThan(i);
                    stack.Push(node.Left);
                    stack.Push(node.Left + 1);
                }
            }
            reached.Count.ShouldBe(forest.Nodes.Count); // every node belongs to exactly one tree
        }
    }

    [Fact]
    public void ShouldRefuseClearly_WhenTheModelIsNotOneTheGpuScorerHandles()
    {
        var (values, _) = Data(300, 4, false);
        var labels = Enumerable.Range(0, 300).Select(i => (float)(i % 3)).ToArray();
        using var train = new XGBoostMatrix(values, 300, 5, labels);
        using var multi = XGBoostBooster.Create(train, [], new Dictionary<string, string> { ["objective"] = "multi:softprob", ["num_class"] = "3", ["nthread"] = "2" });
        multi.UpdateOneRound(0, train);
        Should.Throw<NotSupportedException>(() => TreeForest.FromXGBoostJson(multi.SaveJson())).Message.ShouldContain("multi:softprob");

        using var dart = XGBoostBooster.Create(train, [], new Dictionary<string, string> { ["objective"] = "reg:squarederror", ["booster"] = "dart", ["nthread"] = "2" });
        dart.UpdateOneRound(0, train);
        Should.Throw<NotSupportedException>(() => TreeForest.FromXGBoostJson(dart.SaveJson())).Message.ShouldContain("dart");
    }

    [Fact]
    public void ShouldBuildTheSameSyntheticForestAndRows_WhenTheSeedIsTheSame()
    {
        var a = TreeForest.Synthetic(10, 8, 20, seed: 42);
        var b = TreeForest.Synthetic(10, 8, 20, seed: 42);
        a.Nodes.ShouldBe(b.Nodes);
        a.Nodes.Count.ShouldBe(10 * 511);
        a.MaxDepth.ShouldBe(8);
        TreeForest.SyntheticRows(100, 20, 1).ShouldBe(TreeForest.SyntheticRows(100, 20, 1));
        var rows = TreeForest.SyntheticRows(1000, 20, 1);
        var scores = new float[1000];
        a.PredictCpu(rows, 1000, 20, scores);
        scores.ShouldAllBe(s => s > 0 && s < 1);
        scores.Distinct().Count().ShouldBeGreaterThan(900);
    }

    [Fact]
    public void ShouldNameWhatIsMissing_WhenThisMachineCannotScoreOnAGpu()
    {
        var probe = CudaForest.Probe();
        if (probe.Usable)
        {
            probe.DeviceName.ShouldNotBeNullOrWhiteSpace();
            probe.MemoryBytes.ShouldBeGreaterThan(0);
            return;
        }
        // CI has no GPU: the sentence says which library is absent.
        probe.Message.ShouldMatch("libcuda\\.so\\.1|libnvrtc\\.so|found no GPU");
        Should.Throw<CudaException>(() => new CudaForest()).Message.ShouldBe(probe.Message);
    }

    [Fact]
    public void ShouldCarryTheKernelThatWalksTheSameLayout()
    {
        // The kernel's constants are the layout's flags (a change to one without the other fails here).
        CudaForest.KernelSource.ShouldContain($"0x{ForestNode.LeafFlag:X8}u");
        CudaForest.KernelSource.ShouldContain($"0x{ForestNode.DefaultLeftFlag:X8}u");
        CudaForest.KernelSource.ShouldContain($"0x{ForestNode.FeatureMask:X8}u");
        CudaForest.KernelSource.ShouldContain("fminf(-sum, 88.7f)");
        System.Runtime.CompilerServices.Unsafe.SizeOf<ForestNode>().ShouldBe(16);
        Encoding.ASCII.GetByteCount(CudaForest.KernelSource).ShouldBeGreaterThan(0);
    }
}
