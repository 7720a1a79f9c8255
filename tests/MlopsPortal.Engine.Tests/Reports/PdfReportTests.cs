using System.Diagnostics;
using MlopsPortal.Engine.Lineage;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Engine.Tests.Reports;

/// <summary>The PDF layout layer: text that extracts, tables that break with their header repeated, page numbers, the signature.</summary>
public sealed class PdfReportTests
{
    internal static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificate =
        new(() => ReportCertificates.CreateSelfSigned("CN=MLOps Portal test signer"));

    internal static string PdfToText(byte[] pdf, int? page = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            var args = page is { } p ? $"-layout -f {p} -l {p} {file} -" : $"-layout {file} -";
            using var process = Process.Start(new ProcessStartInfo("pdftotext", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEndAsync();
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            process.ExitCode.ShouldBe(0);
            errors.Result.ShouldBeEmpty(); // poppler complains about any malformed stream

            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static byte[] Sample(ReportSigner? signer, int rows = 120)
    {
        var report = new PdfReport("Sample report", "Sample report · report 1234");
        report.Cover("Model audit report: credit-risk v3", "A test of the layout layer.", [("Report id", "1234"), ("Chain head", new string('a', 64))], "Generated for a test.");
        report.Heading("1. Tables");
        report.Paragraph("A paragraph long enough to wrap across more than one line of the page, so that the word wrap is exercised with DejaVu Sans at 9.5 points, ≥ ≤ × ± € included.");
        report.Table([new("Row", 1), new("Name", 3), new("Value", 1.2, AlignRight: true)],
            Enumerable.Range(1, rows).Select(i => (IReadOnlyList<string>)[$"{i}", $"item {i} with a name", $"{i * 1.5:0.0}"]), alert: i => i == 2);
        report.Heading("2. Charts");
        report.BarChart("Selection rate by group", [new("A", 0.31, 0.28, 0.34), new("B", 0.22, 0.18, 0.26, Alert: true)], min: 0, max: 1, reference: 0.8, referenceLabel: "fail below 0.8");
        report.LineChart("Drift share over time", [new ReportSeries("share", [("11-01", 0.1), ("11-02", 0.3), ("11-03", 0.6)])], threshold: 0.5, thresholdLabel: "policy 0.5");
        report.Matrix("Confusion matrix", ["0", "1"], ["0", "1"], new long[,] { { 500, 40 }, { 60, 400 } }, "Actual", "Predicted");
        report.Heading("3. Lineage");
        var layout = LayeredLayout.Compute([(208, 58), (208, 58), (208, 58)], [new(0, 1), new(1, 2)]);
        report.Lineage(layout, [("DV", "#00897b", "data v1", "sha256 0123456789ab", false), ("TR", "#5e35b1", "run", "Succeeded", false), ("MV", "#1565c0", "model v1", "Production", true)]);
        return report.Finish(signer);
    }

    [Fact]
    public void ShouldRepeatTheTableHeaderAndNumberEveryPage_WhenATableBreaksAcrossPages()
    {
        var pdf = Sample(null, rows: 200);
        var text = PdfToText(pdf);
        var pages = text.Split('\f', StringSplitOptions.RemoveEmptyEntries);
        var total = pages.Length;
        total.ShouldBeGreaterThan(5);
        pages[0].ShouldContain("Model audit report: credit-risk v3");
        pages[1].ShouldContain("Contents");
        pages[1].ShouldContain("1. Tables");
        for (var i = 1; i < total; i++)
        {
            pages[i].ShouldContain($"Page {i + 1} of {total}");
            pages[i].ShouldContain("Sample report · report 1234");
        }
        var tablePages = pages.Where(p => p.Contains("item ", StringComparison.Ordinal)).ToList();
        tablePages.Count.ShouldBeGreaterThan(1);
        tablePages.ShouldAllBe(p => p.Contains("Row") && p.Contains("Name") && p.Contains("Value"));
        text.ShouldContain("item 200 with a name");
        text.ShouldContain("≥ ≤ × ± €");
        text.ShouldContain("Selection rate by group");
        text.ShouldContain("fail below 0.8");
    }

    [Fact]
    public void ShouldBeValidlySigned_AndInvalid_WhenOneByteChanges()
    {
        var signer = new ReportSigner(Certificate.Value, "Compliance report", "MLOps Governance Portal", "compliance@example.test");
        var pdf = Sample(signer);
        var check = PdfSignature.Check(pdf);
        check.Valid.ShouldBeTrue(check.Message);
        check.CoversWholeFile.ShouldBeTrue();
        check.SignerSubject.ShouldBe("CN=MLOps Portal test signer");

        var tampered = (byte[])pdf.Clone();
        var at = Array.IndexOf(tampered, (byte)'i', pdf.Length / 3);
        tampered[at] = (byte)'j';
        PdfSignature.Check(tampered).Valid.ShouldBeFalse();

        var appended = pdf.Concat("\n% appended\n"u8.ToArray()).ToArray();
        var late = PdfSignature.Check(appended);
        late.Valid.ShouldBeTrue();
        late.CoversWholeFile.ShouldBeFalse();

        PdfSignature.Check(Sample(null, rows: 3)).Signed.ShouldBeFalse();

        // Poppler agrees.
        var file = Path.Combine(Path.GetTempPath(), $"signed-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdfsig", file) { RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            output.ShouldContain("Signature is Valid");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ShouldBreakOnlyAtSpacesAndThenAfterTheAt_WhenAnEmailIsWiderThanTheColumn()
    {
        PdfFonts.Install();
        var font = new PdfSharp.Drawing.XFont(PdfFonts.Sans, 8);
        var whole = Measure("engineer@demo.local", font);
        // Wide enough for the address, not for the sentence: the break is at the space, the address stays whole.
        PdfReport.Wrap("signed by engineer@demo.local", font, whole + 2).ShouldBe(["signed by", "engineer@demo.local"]);
        // Narrower than the address: it breaks after its '@', never inside "local".
        PdfReport.Wrap("engineer@demo.local", font, whole - 4).ShouldBe(["engineer@", "demo.local"]);
        // An action code breaks after a '.' or '-'.
        var code = PdfReport.Wrap("model-version.stage-changed", font, Measure("model-version.stage", font));
        code.ShouldBe(["model-version.", "stage-changed"]);
        PdfReport.Wrap("Business stakeholder", font, Measure("Business stake", font)).ShouldBe(["Business", "stakeholder"]);
    }

    [Fact]
    public void ShouldDrawTheLineageOnALandscapePageWithTextOfAtLeast7Points_WhenTheGraphIsWide()
    {
        var report = new PdfReport("Lineage", "Lineage · report 1");
        report.Cover("Lineage", "A wide graph.", [("Report id", "1")], "Test.");
        report.Heading("1. Before");
        report.Paragraph("A portrait page.");
        const int n = 7;
        var layout = LayeredLayout.Compute(Enumerable.Repeat((190.0, 40.0), n).ToList(), Enumerable.Range(0, n - 1).Select(i => new LayoutEdge(i, i + 1)),
            new LayoutOptions { LayerGap = 40, NodeGap = 8 });
        report.Lineage(layout, Enumerable.Range(0, n).Select(i => ("MV", "#1565c0", $"credit-risk v{i}", $"key fact {i}", i == 3)).ToList(), "2. Lineage", "Caption.");
        report.Paragraph("After the picture.");
        var pdf = report.Finish();

        var file = Path.Combine(Path.GetTempPath(), $"lineage-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            var sizes = Run("pdfinfo", $"-f 1 -l 10 {file}").Split('\n').Where(l => l.StartsWith("Page", StringComparison.Ordinal) && l.Contains(" size:", StringComparison.Ordinal)).ToList();
            sizes.Count.ShouldBe(5, string.Join(" / ", sizes)); // cover, contents, portrait, the lineage page, portrait again
            sizes[3].ShouldContain("841.89 x 595.28");
            sizes[4].ShouldContain("595.28 x 841.89");
            // Every word on the lineage page is at least 7 pt tall (pdftotext's box is the font's height).
            var words = System.Text.RegularExpressions.Regex.Matches(Run("pdftotext", $"-bbox -f 4 -l 4 {file} -"),
                "yMin=\"([0-9.]+)\" xMax=\"[0-9.]+\" yMax=\"([0-9.]+)\">([^<]*)<");
            words.Count.ShouldBeGreaterThan(3 * n);
            var nodeWords = words.Where(w => w.Groups[3].Value.StartsWith("credit-risk", StringComparison.Ordinal) || w.Groups[3].Value == "MV").ToList();
            nodeWords.Count.ShouldBe(2 * n);
            nodeWords.ShouldAllBe(w => double.Parse(w.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
                                       - double.Parse(w.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 7);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ShouldDrawPointsAtTheirTimes_WhenReportsShareADay()
    {
        var report = new PdfReport("Time", "Time · report 1");
        report.Cover("Time", "A time chart.", [("Report id", "1")], "Test.");
        report.Heading("1. Drift history");
        var day = new DateTime(2026, 12, 7, 13, 2, 0, DateTimeKind.Utc);
        report.TimeChart("Share of drifted columns", [new ReportTimeSeries("drifted share", [(day, 0.0), (day.AddSeconds(20), 0.33), (day.AddSeconds(40), 0.33)])],
            threshold: 0.5, thresholdLabel: "policy 0.5", min: 0, max: 1);
        report.TimeChart("Weeks apart", [new ReportTimeSeries("share", [(day, 0.1), (day.AddDays(30), 0.2), (day.AddDays(60), 0.4)])]);
        var text = PdfToText(report.Finish(), 3);
        // Seconds apart: the axis is in seconds, with several distinct ticks, not one label under a spike.
        System.Text.RegularExpressions.Regex.Matches(text, "13:0[23]:[0-5][0-9]").Select(m => m.Value).Distinct().Count().ShouldBeGreaterThanOrEqualTo(3);
        // Months apart: dates.
        text.ShouldContain("2027-01");
    }

    private static double Measure(string text, PdfSharp.Drawing.XFont font) =>
        PdfSharp.Drawing.XGraphics.CreateMeasureContext(new PdfSharp.Drawing.XSize(600, 800), PdfSharp.Drawing.XGraphicsUnit.Point, PdfSharp.Drawing.XPageDirection.Downwards)
            .MeasureString(text, font).Width;

    private static string Run(string tool, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0);
        return output;
    }

    [Fact]
    public void ShouldCutWordsLongerThanTheWidth_WhenWrapping()
    {
        PdfFonts.Install();
        var font = new PdfSharp.Drawing.XFont(PdfFonts.Mono, 8);
        var lines = PdfReport.Wrap(new string('f', 300), font, 100);
        lines.Count.ShouldBeGreaterThan(2);
        string.Concat(lines).ShouldBe(new string('f', 300));
        PdfReport.Wrap("", font, 100).ShouldBe([""]);
    }
}
