using System.IO.Compression;
using System.Text;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Training;

/// <summary>Contracts §3: the same inputs and seed give the same package bytes, and so the same hash.</summary>
public sealed class ModelPackageTests
{
    private static (ModelManifest Manifest, byte[] Model) TrainSmall(int seed)
    {
        var random = new Random(1);
        var values = Enumerable.Range(0, 400).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 200).Select(i => values[i * 2] > 0.5f ? 1f : 0f).ToArray();
        var parameters = new Dictionary<string, string>
        {
            ["objective"] = "binary:logistic", ["max_depth"] = "3", ["subsample"] = "0.7", ["seed"] = seed.ToString(), ["nthread"] = "1",
        };
        using var train = new XGBoostMatrix(values, 200, 2, labels);
        using var booster = XGBoostBooster.Create(train, [], parameters);
        for (var round = 0; round < 5; round++)
            booster.UpdateOneRound(round, train);
        var manifest = new ModelManifest(1, "binaryClassification",
            [new FeatureEncoding("x0", FeatureKind.Numeric, []), new FeatureEncoding("x1", FeatureKind.Numeric, [])],
            new LabelEncoding("y", "1"), parameters, seed, "xgboost", XGBoostLibrary.Version, new string('a', 64));
        return (manifest, booster.SaveJson());
    }

    [Fact]
    public void ShouldGiveTheSameBytesAndHash_WhenTheSameInputsAndSeedAreTrainedTwice()
    {
        var (m1, j1) = TrainSmall(7);
        var (m2, j2) = TrainSmall(7);
        var first = ModelPackage.Write(m1, j1);
        var second = ModelPackage.Write(m2, j2);
        second.ShouldBe(first);
        ModelPackage.Sha256(second).ShouldBe(ModelPackage.Sha256(first));

        var (m3, j3) = TrainSmall(8);
        ModelPackage.Sha256(ModelPackage.Write(m3, j3)).ShouldNotBe(ModelPackage.Sha256(first));
    }

    [Fact]
    public void ShouldReadBackTheManifestAndModel_WhenAPackageIsOpened()
    {
        var (manifest, model) = TrainSmall(7);
        var (read, json) = ModelPackage.Read(new MemoryStream(ModelPackage.Write(manifest, model)));
        json.ShouldBe(model);
        read.Seed.ShouldBe(7);
        read.Features.Select(f => f.Column).ShouldBe(["x0", "x1"]);
        read.Hyperparameters["nthread"].ShouldBe("1");
        read.Label.ShouldBe(new LabelEncoding("y", "1"));
        using var booster = XGBoostBooster.Load(json);
        var output = new float[1];
        booster.Predict([0.9f, 0.1f], 1, 2, output);
        output[0].ShouldBeGreaterThan(0.5f);
    }

    [Fact]
    public void ShouldKeepTheEntriesInAFixedOrderWithFixedTimes_WhenWritten()
    {
        var (manifest, model) = TrainSmall(7);
        using var zip = new ZipArchive(new MemoryStream(ModelPackage.Write(manifest, model)));
        zip.Entries.Select(e => e.FullName).ShouldBe([ModelPackage.ManifestEntry, ModelPackage.ModelEntry]);
        zip.Entries.ShouldAllBe(e => e.LastWriteTime.Year == 1980);
        using var reader = new StreamReader(zip.Entries[0].Open());
        var text = reader.ReadToEnd();
        text.ShouldStartWith("{\"engine\":\"xgboost\",\"engineVersion\":");
        text.ShouldNotContain(" ");
    }

    public static TheoryData<string, byte[]> Corrupt()
    {
        using var noManifest = new MemoryStream();
        using (var zip = new ZipArchive(noManifest, ZipArchiveMode.Create, leaveOpen: true))
            zip.CreateEntry(ModelPackage.ModelEntry);
        return new()
        {
            { "is not a zip", Encoding.UTF8.GetBytes("{\"learner\":{}}") },
            { "it has no manifest.json", noManifest.ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void ShouldSayItIsNotAPackage_WhenTheFileIsWrong(string expected, byte[] bytes)
    {
        var e = Should.Throw<InvalidDataException>(() => ModelPackage.Read(new MemoryStream(bytes)));
        e.Message.ShouldStartWith("The file is not a model package:");
        if (expected != "is not a zip") e.Message.ShouldContain(expected);
    }
}
