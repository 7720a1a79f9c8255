using Microsoft.Playwright;

namespace MlopsPortal.Benchmarks;

/// <summary>Debian's Chromium for the browser benches, and a signed-in user's cookies to start each context from.</summary>
internal static class BenchBrowser
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MLOPS_CHROMIUM") ?? "/usr/bin/chromium", Headless = true,
            Args = ["--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });

    public static async Task<IReadOnlyList<Cookie>> SignInAsync(IBrowser browser, string baseUrl, string email, string password)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 60_000 });
        return (await context.CookiesAsync()).Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }).ToList();
    }
}
