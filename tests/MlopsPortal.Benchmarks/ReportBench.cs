using System.Diagnostics;
using MlopsPortal.Engine.Lineage;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// A 30-page model audit report's drawing and signing (what the report job does after reading the rows): the cover,
/// a 40-node lineage picture, key–value sections, tables of 24 groups, 60 drift reports and 530 audit events (the
/// appendix that makes the page count), seven charts and a matrix, the contents, headers and page numbers, then the
/// RSA-3072 signature. Database reads are not timed (the registry and drift benches cover queries).
/// </summary>
public static class ReportBench
{
    public static void Run(int repeats)
    {
        var certificate = ReportCertificates.CreateSelfSigned("CN=bench");
        var signer = new ReportSigner(certificate, "bench", "bench", "bench");
        var times = new List<double>();
        var pages = 0;
        long bytes = 0;
        for (var i = 0; i <= repeats; i++)
        {
            var before = GC.GetTotalAllocatedBytes(true);
            var watch = Stopwatch.StartNew();
            var signed = Draw(out pages, signer);
            watch.Stop();
            bytes = signed.Length;
            if (i == 0)
            {
                Console.WriteLine($"Warm-up (first in the process, fonts loaded): {watch.Elapsed.TotalMilliseconds:0} ms; allocated {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0} MiB per report.");
                continue;
            }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"{pages} pages, {bytes / 1024:N0} KiB signed; median {times[times.Count / 2]:0.0} ms, max {times[^1]:0.0} ms over {repeats} repeats (drawn and signed);"
                          + $" peak working set {process.PeakWorkingSet64 / 1048576.0:0} MiB.");
    }

    private static byte[] Draw(out int pages, ReportSigner? signer = null)
    {
        var random = new Random(1);
        var report = new PdfReport("Model audit report: bench v7", "Model audit report: bench v7 · report 00000000-0000-0000-0000-000000000000");
        report.Cover("Model audit report: credit-risk v7", "Credit risk scoring, version 7", [("Report id", Guid.Empty.ToString()), ("Package SHA-256", new string('a', 64))], "Bench.");
        report.Heading("1. Model card");
        report.KeyValues(Enumerable.Range(0, 12).Select(k => ($"Field {k}", $"A value that is long enough to wrap across the column of a model card field number {k}.")).ToList());
        report.Heading("2. Lineage");
        var edges = Enumerable.Range(1, 39).Select(k => new LayoutEdge((k - 1) / 3, k)).ToList();
        var layout = LayeredLayout.Compute(Enumerable.Repeat((208.0, 58.0), 40).ToList(), edges);
        report.Lineage(layout, Enumerable.Range(0, 40).Select(k => ("MV", "#1565c0", $"node {k}", "key fact", k == 0)).ToList());
        report.Heading("3. Evaluation");
        report.Table([new("Metric", 1), new("Value", 1, true)], Enumerable.Range(0, 10).Select(k => (IReadOnlyList<string>)[$"metric {k}", $"{random.NextDouble():0.000}"]));
        report.Matrix("Confusion matrix", ["0", "1"], ["0", "1"], new long[,] { { 5000, 400 }, { 600, 4000 } }, "Actual", "Predicted");
        report.LineChart("Calibration", [new ReportSeries("observed", Enumerable.Range(1, 10).Select(k => ($"{k / 10.0:0.0}", k / 10.0 + random.NextDouble() * 0.05)).ToList())]);
        report.BarChart("Importance", Enumerable.Range(0, 12).Select(k => new ReportBar($"f{k}", random.NextDouble())).ToList(), min: 0);
        report.Heading("4. Fairness audit");
        report.Table([new("Attribute", 1), new("Group", 1.5), new("Count", 1, true), new("Rate", 1, true)],
            Enumerable.Range(0, 24).Select(k => (IReadOnlyList<string>)[$"attr {k % 3}", $"group {k}", $"{random.Next(10000):N0}", $"{random.NextDouble():0.000}"]));
        for (var c = 0; c < 3; c++)
            report.BarChart($"Selection rate by attr {c}", Enumerable.Range(0, 8).Select(k => new ReportBar($"g{k}", 0.3, 0.25, 0.35)).ToList(), min: 0, max: 1);
        report.Heading("5. Drift history");
        report.LineChart("Drifted share", [new ReportSeries("share", Enumerable.Range(0, 60).Select(k => ($"d{k}", random.NextDouble())).ToList())], threshold: 0.5);
        report.Table([new("Report", 1.5), new("Drifted", 1, true), new("Share", 1, true)], Enumerable.Range(0, 60).Select(k => (IReadOnlyList<string>)[$"2026-11-{k % 28 + 1:00}", $"{k % 9}/40", $"{random.NextDouble():0.00}"]));
        report.Heading("Appendix: audit events");
        report.Table([new("#", 0.6, true), new("Time", 1.3), new("Actor", 1.5), new("Action", 1.7), new("Entity", 1.3), new("Hash", 1)],
            Enumerable.Range(1, 530).Select(k => (IReadOnlyList<string>)[$"{k}", "2026-11-24 01:00:00", "job:training.run-1234", "model-version.created", $"model-version {k:x8}", "0123456789ab"]),
            small: true);
        var bytes = report.Finish(signer);
        pages = report.PageCount;
        return bytes;
    }
}
