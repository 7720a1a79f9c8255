using System.Text.Json;
using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Engine.Tests.Drift;

/// <summary>
/// Every statistic of every column against scipy 1.10 / numpy 1.24 (tests/scripts/drift_expected.py) on UCI Adult
/// train versus test and on synthetic shifts, to contracts §5's tolerances.
/// </summary>
public sealed class DriftExpectedTests
{
    private static string Data(string repositoryPath) => Path.Combine(AppContext.BaseDirectory, "data", repositoryPath["tests/data/".Length..]);

    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "expected", "drift-expected.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Expected.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!.Replace("inf", "Infinity")) : e.GetDouble();

    private static void Close(double actual, double expected, double relative, string what)
    {
        if (double.IsInfinity(expected)) { actual.ShouldBe(expected, what); return; }
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(relative * Math.Abs(expected) + 1e-15, $"{what}: {actual:R} against {expected:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShouldMatchScipy_ForEveryStatisticOfEveryColumn(string name)
    {
        var c = Expected.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var input = DriftData.Read(() => File.OpenRead(Data(c.GetProperty("reference").GetString()!)), () => File.OpenRead(Data(c.GetProperty("current").GetString()!)));
        var result = DriftAnalysis.Compare(input.Reference, input.Current, new DriftOptions { MinCurrentRows = 1 });
        foreach (var e in c.GetProperty("columns").EnumerateArray())
        {
            var column = e.GetProperty("column").GetString()!;
            var actual = result.Columns.Single(x => x.Column == column);
            var what = $"{name}/{column}";
            actual.RowsReference.ShouldBe(e.GetProperty("rowsReference").GetInt32(), what);
            actual.RowsCurrent.ShouldBe(e.GetProperty("rowsCurrent").GetInt32(), what);
            if (e.GetProperty("empty").GetBoolean())
            {
                actual.Drifted.ShouldBeNull(what);
                actual.Verdict.ShouldBe("insufficient", what);
                continue;
            }
            actual.Type.ShouldBe(e.GetProperty("type").GetString(), what);
            actual.DistinctAll.ShouldBe(e.GetProperty("distinctAll").GetInt32(), what);
            var s = actual.Statistics;
            if (e.GetProperty("ks") is { ValueKind: JsonValueKind.Object } ks)
            {
                Close(s.Ks!.Statistic, ks.GetProperty("statistic").GetDouble(), 1e-9, what + " ks statistic");
                var p = ks.GetProperty("pValue").GetDouble();
                // contracts §5: KS p-values to 1e-6 absolute or 1e-4 relative.
                (Math.Abs(s.Ks.PValue - p) <= 1e-6 || Math.Abs(s.Ks.PValue - p) <= 1e-4 * p)
                    .ShouldBeTrue($"{what} ks p-value {s.Ks.PValue:R} against {p:R} ({ks.GetProperty("ksMethod").GetString()})");
            }
            else s.Ks.ShouldBeNull(what);
            if (e.GetProperty("wassersteinNormed").ValueKind == JsonValueKind.Number)
                Close(s.WassersteinNormed!.Value, e.GetProperty("wassersteinNormed").GetDouble(), 1e-9, what + " wasserstein");
            Close(s.Psi!.Value, e.GetProperty("psi").GetDouble(), 1e-9, what + " psi");
            Close(s.JensenShannon!.Value, e.GetProperty("jensenShannon").GetDouble(), 1e-9, what + " jensenShannon");
            if (e.GetProperty("chiSquare") is { ValueKind: JsonValueKind.Object } chi)
            {
                Close(s.ChiSquare!.Statistic, Number(chi.GetProperty("statistic")), 1e-9, what + " chi-square statistic");
                Close(s.ChiSquare.PValue, chi.GetProperty("pValue").GetDouble(), 1e-9, what + " chi-square p");
            }
            else s.ChiSquare.ShouldBeNull(what);
            if (e.GetProperty("zTest") is { ValueKind: JsonValueKind.Object } z)
            {
                Close(s.ZTest!.Statistic, z.GetProperty("z").GetDouble(), 1e-9, what + " z");
                Close(s.ZTest.PValue, z.GetProperty("pValue").GetDouble(), 1e-9, what + " z p");
            }
            else s.ZTest.ShouldBeNull(what);
        }
    }
}
