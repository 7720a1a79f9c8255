using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// How long a wrong password takes to be refused, for an existing account and for an unknown one: the sign-in form
/// posted over HTTP (TestServer, SQLite), timed from the POST to the response, median of N attempts each (at most four
/// per account, below the lockout). <c>--stock</c> runs Identity's own SignInManager, as the portal did before.
/// </summary>
public static class LoginBench
{
    public static async Task RunAsync(int attempts, bool stock)
    {
        await using var host = await PortalTestHost.StartAsync(configure: stock
            ? b => b.Services.AddScoped<SignInManager<PortalUser>>()
            : null);
        var accounts = (attempts + 3) / 4;
        for (var i = 0; i < accounts; i++)
            await host.CreateUserAsync($"user{i}@bench.test", Roles.DataScientist);
        using var browser = host.CreateBrowserSession();
        for (var i = 0; i < 3; i++) // warm-up
            await browser.SignInAsync($"warm{i}@bench.test", "Wrong-Passw0rd!x");

        var existing = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < attempts; i++)
        {
            existing.Add(await TimeAsync(browser, $"user{i % accounts}@bench.test"));
            unknown.Add(await TimeAsync(browser, $"nobody{i}@bench.test"));
        }
        Console.WriteLine(FormattableString.Invariant(
            $"{(stock ? "Identity's SignInManager" : "PortalSignInManager")}: wrong password, median of {attempts}: existing account {Median(existing):0} ms, unknown account {Median(unknown):0} ms"));
    }

    private static async Task<double> TimeAsync(BrowserSession browser, string email)
    {
        var (_, token, handler) = await browser.GetFormAsync("Account/Login");
        var clock = Stopwatch.StartNew();
        using var response = await browser.PostFormAsync("Account/Login",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "Wrong-Passw0rd!x" }, token, handler);
        await response.Content.ReadAsStringAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
