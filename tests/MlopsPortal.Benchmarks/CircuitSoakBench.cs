using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using MlopsPortal.Testing;
using Cookie = Microsoft.Playwright.Cookie;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// Opens and closes Blazor circuits against a real portal process (serve --demo) for a while and reads the process's
/// resident memory: does it come back to its baseline once the circuits are gone?
/// </summary>
public static class CircuitSoakBench
{
    private const string Password = "Soak-Bench-Password-1!";

    public static async Task RunAsync(double minutes, int circuitsPerCycle, int concurrency)
    {
        using var dir = new TempDirectory();
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir.Path };
        foreach (var a in (string[])[WorkerProcess.PortalDll, "serve", "--demo", "--data-dir", dir.Path, "--urls", $"http://localhost:{port}",
                     $"--Demo:Password={Password}", "--Logging:LogLevel:Default=Warning"])
            info.ArgumentList.Add(a);
        using var portal = Process.Start(info) ?? throw new InvalidOperationException("Could not start the portal.");
        var built = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        portal.OutputDataReceived += (_, e) => { if (e.Data?.Contains("in all.") == true || e.Data?.Contains("already built") == true) built.TrySetResult(); };
        portal.ErrorDataReceived += (_, _) => { };
        portal.BeginOutputReadLine();
        portal.BeginErrorReadLine();
        try
        {
            await built.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var baseUrl = $"http://localhost:{port}/";
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await BenchBrowser.LaunchAsync(playwright);
            var cookies = await BenchBrowser.SignInAsync(browser, baseUrl, "engineer@demo.local", Password);

            await CycleAsync(browser, baseUrl, cookies, concurrency, concurrency); // warm-up: JIT, caches, the demo's pages once
            await Task.Delay(TimeSpan.FromSeconds(30));
            var baselineMemory = Memory(portal.Id);
            var baseline = baselineMemory.Rss;
            Console.WriteLine($"baseline after warm-up: {Describe(baselineMemory)}");
            Console.WriteLine("cycle  circuits  seconds  RSS after the cycle (MiB)");
            var clock = Stopwatch.StartNew();
            double peak = baseline;
            var total = 0;
            for (var cycle = 1; clock.Elapsed.TotalMinutes < minutes; cycle++)
            {
                var took = Stopwatch.StartNew();
                await CycleAsync(browser, baseUrl, cookies, circuitsPerCycle, concurrency);
                total += circuitsPerCycle;
                var rss = RssMiB(portal.Id);
                peak = Math.Max(peak, rss);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cycle,5}  {total,8}  {took.Elapsed.TotalSeconds,7:0.0}  {rss,6:0}"));
            }
            var cycling = clock.Elapsed;
            // Closed tabs tell the server at once (blazor.web.js's disconnect beacon); a circuit whose beacon was lost waits
            // out DisconnectedCircuitRetentionPeriod (3 minutes by default) before it is released.
            foreach (var wait in new[] { 10, 60, 200 })
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
                var rss = RssMiB(portal.Id);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"idle +{wait,3} s: {rss:0} MiB ({(rss - baseline) / baseline:+0%;-0%} against the baseline)"));
            }
            var finalMemory = Memory(portal.Id);
            var final = finalMemory.Rss;
            Console.WriteLine($"final: {Describe(finalMemory)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"summary: {total} circuits in {cycling.TotalMinutes:0.0} min; baseline {baseline:0} MiB, peak {peak:0} MiB, final {final:0} MiB ({(final - baseline) / baseline:+0%;-0%}); goal within 20 %: {(final <= baseline * 1.2 ? "met" : "missed")}"));
        }
        finally
        {
            portal.Kill(entireProcessTree: true);
            await portal.WaitForExitAsync();
        }
    }

    /// <summary>Opens <paramref name="count"/> home pages (a circuit each), <paramref name="concurrency"/> at a time, and closes them as a person closes a tab.</summary>
    private static async Task CycleAsync(IBrowser browser, string baseUrl, IReadOnlyList<Cookie> cookies, int count, int concurrency)
    {
        for (var opened = 0; opened < count; opened += concurrency)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count - opened)).Select(async _ =>
            {
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
                await context.AddCookiesAsync(cookies);
                var page = await context.NewPageAsync();
                await page.GotoAsync("");
                await page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
                await context.CloseAsync();
            }));
        }
    }

    private static double RssMiB(int pid) => Memory(pid).Rss;

    /// <summary>
    /// The process's resident memory from /proc, split as the kernel counts it: anonymous (the GC's heap, committed or not,
    /// and native allocations), file-backed (the mapped assemblies and libraries) and shared memory (.NET's JIT-compiled
    /// code, which it maps twice — writable and executable — through a memfd).
    /// </summary>
    private static (double Rss, double Anon, double File, double Shmem) Memory(int pid)
    {
        var fields = File.ReadLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0);
        return (fields["VmRSS"], fields["RssAnon"], fields["RssFile"], fields["RssShmem"]);
    }

    private static string Describe((double Rss, double Anon, double File, double Shmem) m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Rss:0} MiB (anonymous {m.Anon:0}, files {m.File:0}, JIT code {m.Shmem:0})");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
