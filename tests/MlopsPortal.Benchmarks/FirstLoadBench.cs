using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The first load of the home page as a signed-in user sees it: a new browser context (empty cache) with only the sign-in
/// cookie, from navigation until the interactive circuit has taken over the page (<c>[data-testid=circuit-ready]</c>), and
/// every byte transferred for it. Runs against a portal that is already up, so that two builds can be compared side by side.
/// </summary>
public static class FirstLoadBench
{
    public static async Task RunAsync(string baseUrl, string email, string password, int runs)
    {
        baseUrl = baseUrl.TrimEnd('/') + "/";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        var cookies = await BenchBrowser.SignInAsync(browser, baseUrl, email, password);
        Console.WriteLine("run  time to interactive (ms)  bytes transferred  requests");
        var results = new List<(long Milliseconds, long Bytes, int Requests)>();
        // Run 0 warms the server (a portal that just started compiles the page's code on its first request); not counted.
        for (var run = 0; run <= runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            await context.AddCookiesAsync(cookies);
            var page = await context.NewPageAsync();
            var finished = new List<Task<long>>();
            page.RequestFinished += (_, request) => finished.Add(TransferredAsync(request));
            var clock = Stopwatch.StartNew();
            await page.GotoAsync("");
            await page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var interactive = clock.ElapsedMilliseconds;
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var bytes = (await Task.WhenAll(finished)).Sum();
            if (run == 0) continue;
            results.Add((interactive, bytes, finished.Count));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run,3}  {interactive,25}  {bytes,17:N0}  {finished.Count,8}"));
        }
        var tti = results.Select(r => r.Milliseconds).Order().ToList();
        var sizes = results.Select(r => r.Bytes).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: time to interactive {tti[tti.Count / 2]} ms (fastest {tti[0]}, slowest {tti[^1]}); {sizes[sizes.Count / 2]:N0} bytes in {results.Select(r => r.Requests).Order().ElementAt(results.Count / 2)} requests"));
    }

    /// <summary>Headers and (encoded) body as received: what crossed the network for one request.</summary>
    private static async Task<long> TransferredAsync(IRequest request)
    {
        var sizes = await request.SizesAsync();
        return sizes.ResponseHeadersSize + sizes.ResponseBodySize;
    }
}
