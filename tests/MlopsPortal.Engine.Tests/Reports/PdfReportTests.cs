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
