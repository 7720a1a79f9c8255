using MlopsPortal.Core.Display;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Tests.Display;

/// <summary>Codes become words people read: roles, enums, statistics, numbers without exponents, payloads without JSON.</summary>
public sealed class DisplayNamesTests
{
    [Theory]
    [InlineData("binaryClassification", "Binary classification")]
    [InlineData("wassersteinNormed", "Wasserstein distance (normed)")]
    [InlineData("ks", "Kolmogorov–Smirnov test")]
    [InlineData(Roles.BusinessStakeholder, "Business stakeholder")]
    [InlineData(Roles.MlEngineer, "ML engineer")]
    [InlineData("auc", "AUC")]
    [InlineData("model-version.stage-changed", "Model version stage changed")]
    [InlineData("NotAvailable", "Not available")]
    [InlineData("requiresGPU", "Requires GPU")]
    [InlineData("", "—")]
    public void ShouldSayACodeInWords(string code, string expected) => DisplayNames.Of(code).ShouldBe(expected);

    [Fact]
    public void ShouldSayEnumValuesInWords()
    {
        DisplayNames.Of(ModelTask.BinaryClassification).ShouldBe("Binary classification");
        DisplayNames.Of(RiskTier.Critical).ShouldBe("Critical");
        DisplayNames.Of(JobRunStatus.NotAvailable).ShouldBe("Not available");
    }

    [Theory]
    [InlineData(0.00001, 3, null, "0.00001")]
    [InlineData(1.5e-7, 3, null, "0.00000015")]
    [InlineData(123456789.123, 1, null, "123,456,789.1")]
    [InlineData(0.25, 3, "ms", "0.25 ms")]
    [InlineData(-0.0, 3, null, "0")]
    [InlineData(double.PositiveInfinity, 3, null, "∞")]
    public void ShouldWriteNumbersWithoutScientificNotation(double value, int decimals, string? unit, string expected) =>
        DisplayNames.Number(value, decimals, unit).ShouldBe(expected);

    [Fact]
    public void ShouldWriteSharesBytesAndRelativeTimes()
    {
        DisplayNames.Percent(0.125).ShouldBe("12.5 %");
        DisplayNames.Percent(null).ShouldBe("—");
        DisplayNames.Bytes(1536).ShouldBe("1.5 KiB");
        DisplayNames.Bytes(3L * 1024 * 1024 * 1024).ShouldBe("3 GiB");
        var now = new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);
        DisplayNames.Relative(now.AddMinutes(-1), now).ShouldBe("1 minute ago");
        DisplayNames.Relative(now.AddHours(-5), now).ShouldBe("5 hours ago");
        DisplayNames.Relative(now.AddDays(3), now).ShouldBe("in 3 days");
    }

    [Fact]
    public void ShouldReadAPayloadAsFields_WithOldAndNewValuesOfWhatChanged()
    {
        var fields = PayloadFields.Read("""
            {"slug":"credit-risk","changes":{"riskTier":{"before":"high","after":"critical"},"featureColumns":{"before":["income"],"after":["income","age"]}},"threshold":0.00001,"approved":true}
            """);
        fields.ShouldContain(new PayloadField("Slug", "credit-risk"));
        fields.ShouldContain(new PayloadField("Changes › Risk tier", "critical", "high"));
        fields.ShouldContain(new PayloadField("Changes › Feature columns", "income, age", "income"));
        fields.ShouldContain(new PayloadField("Threshold", "0.00001"));
        fields.ShouldContain(new PayloadField("Approved", "yes"));
        fields.ShouldAllBe(f => !f.Value.Contains('{') && !f.Value.Contains('"'));
    }

    [Fact]
    public void ShouldKeepTextThatIsNotJson_AsOneField()
    {
        PayloadFields.Read("not json").ShouldBe([new PayloadField("Details", "not json")]);
        PayloadFields.Read("").ShouldBeEmpty();
    }
}
