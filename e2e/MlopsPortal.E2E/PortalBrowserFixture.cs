using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>One portal on Kestrel and one Chromium for the whole collection; each test opens its own context.</summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    public PortalTestHost Host { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    private IPlaywright _playwright = default!;

    /// <summary>Authenticator keys of the users who already set up two-factor sign-in.</summary>
    public Dictionary<string, string> TotpKeys { get; } = [];

    /// <summary>What building the demo workspace did (its steps and time) in this collection's portal.</summary>
    public DemoWorkspaceResult Demo { get; private set; } = default!;

    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(RepositoryRoot.Path, ".test-results", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string UserFor(string role) => $"{DemoSeeder.DemoUserNames[role]}@e2e.test";

    public async Task InitializeAsync()
    {
        // The demo users are the e2e users: the demo workspace signs with their password.
        Host = await PortalTestHost.StartAsync(kestrel: true, overrides: new Dictionary<string, string?>
        {
            ["Demo:EmailDomain"] = "e2e.test", ["Demo:Password"] = PortalTestHost.Password,
        });
        foreach (var role in Roles.All)
        {
            await Host.CreateUserAsync(UserFor(role), role);
            if (Roles.TwoFactorRequired.Contains(role))
                TotpKeys[UserFor(role)] = await Host.EnableTwoFactorAsync(UserFor(role));
        }
        // Every e2e run builds the first-run demo workspace with the real jobs, and the tests browse it.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            Demo = await scope.ServiceProvider.GetRequiredService<DemoWorkspace>().BuildAsync(null, Console.Out);
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MLOPS_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        // Every page records what the Content-Security-Policy blocked (AccessibilityTests asserts there is nothing).
        await context.AddInitScriptAsync(CspRecorder);
        return await context.NewPageAsync();
    }

    private const string CspRecorder =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));";

    /// <summary>What the page's Content-Security-Policy blocked since it loaded.</summary>
    public static Task<string[]> CspViolationsAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []");

    /// <summary>Signs in through the form (and the authenticator step where the user has one).</summary>
    public async Task SignInAsync(IPage page, string email, string password = PortalTestHost.Password)
    {
        await page.GotoAsync("Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (page.Url.Contains("LoginWith2fa") && TotpKeys.TryGetValue(email, out var key))
        {
            await page.FillAsync("#Input\\.TwoFactorCode", Totp.Code(key));
            await page.ClickAsync("[data-testid=verify-code]");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
    }

    /// <summary>Waits until the interactive circuit has rendered the navigation.</summary>
    public static async Task WaitForShellAsync(IPage page)
    {
        await page.WaitForSelectorAsync("[data-testid=home-title], h1");
        await page.WaitForSelectorAsync("[data-nav]");
    }

    /// <summary>Clicks a tab until its panel shows: a click that lands before the circuit is interactive is lost.</summary>
    public static async Task OpenTabAsync(IPage page, string tab, string panel)
    {
        for (var attempt = 0; ; attempt++)
        {
            await page.GetByRole(AriaRole.Tab, new() { Name = tab }).ClickAsync();
            try
            {
                await page.Locator(panel).WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 3000 });
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Waits until the circuit has taken over a prerendered interactive page (before that, clicks and typing are lost).</summary>
    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>Waits for a job run to end and asserts that it succeeded.</summary>
    public async Task<JobRun> FinishAsync(JobRun job)
    {
        for (var i = 0; i < 600 && (await Get<JobService>().GetAsync(job.Id)).IsActive; i++) await Task.Delay(200);
        var done = await Get<JobService>().GetAsync(job.Id);
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        return done;
    }

    /// <summary>
    /// COMPAS uploaded as <paramref name="dataset"/>, a recidivism model <paramref name="slug"/> owned by the e2e ML engineer,
    /// and one version trained on it (15 rounds): what the pages under test start from.
    /// </summary>
    public async Task<(Guid Data, JobRun Trained)> TrainCompasModelAsync(string slug, string dataset, string displayName, string? codeVersion = null)
    {
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv"));
        var data = (await Get<DatasetService>().AddAsync(Actor.Cli(), file, dataset, "compas-two-years.csv")).Version.Id;
        await Get<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = slug, DisplayName = displayName, Owners = [UserFor(Roles.MlEngineer)], RiskTier = "medium",
            Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "two_year_recid", PositiveLabel = "1",
            FeatureColumns = ["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"],
        });
        var trained = await FinishAsync(await Get<TrainingService>().StartRunAsync(Actor.Cli(),
            new TrainingRunRequest(slug, data, new Dictionary<string, string> { ["num_boost_round"] = "15" }, 1) { CodeVersion = codeVersion }));
        return (data, trained);
    }

    /// <summary>Fills a MudBlazor text field by its data-testid (MudBlazor puts the attribute on the input or textarea itself).</summary>
    public static Task FillFieldAsync(IPage page, string testId, string value) =>
        page.Locator($"input[data-testid='{testId}'], textarea[data-testid='{testId}']").First.FillAsync(value);

    /// <summary>The body rows of a MudDataGrid or a plain table by its data-testid.</summary>
    public static ILocator Rows(IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'] tbody tr.mud-table-row, table[data-testid='{testId}'] tbody tr");

    /// <summary>Presses a button of the open MudBlazor dialog or message box.</summary>
    public static Task ConfirmAsync(IPage page, string button) =>
        page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    /// <summary>
    /// Picks an option of a MudSelect, or types into a MudAutocomplete (<paramref name="type"/>) and picks: opens it until the
    /// option shows, because a click that lands before the circuit is interactive is lost.
    /// </summary>
    public static async Task PickAsync(IPage page, string testId, string item, bool exact = false, bool type = false)
    {
        var text = exact ? new Regex($"^\\s*{Regex.Escape(item)}\\s*$") : new Regex(Regex.Escape(item));
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = text }).First;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (!await option.IsVisibleAsync())
                {
                    var input = page.Locator($"[data-testid={testId}]");
                    await input.ClickAsync();
                    if (type)
                    {
                        await input.FillAsync(item);
                        // The list opened unfiltered; pick only once the search the typing started has answered, or its
                        // late answer reopens the list over the page after the pick.
                        await page.WaitForFunctionAsync(
                            "t => { const items = [...document.querySelectorAll('.mud-popover-open .mud-list-item')];" +
                            " return items.length > 0 && items.every(i => i.innerText.toLowerCase().includes(t)); }",
                            item.ToLowerInvariant(), new() { Timeout = 3000 });
                    }
                }
                await option.WaitForAsync(new() { Timeout = 3000 });
                await option.ClickAsync(new() { Timeout = 3000 });
                // The pick closes the list; should a late search have reopened it, close it as a person would (the value stays).
                var list = page.Locator(".mud-popover-open .mud-list-item").First;
                try { await list.WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = 2000 }); }
                catch (TimeoutException) { await page.Keyboard.PressAsync("Escape"); }
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
    }

    /// <summary>
    /// Chooses a file in a Blazor InputFile and waits until the page shows it took it. InputFile listens for the browser's
    /// change event only once its first render is acknowledged (its OnAfterRenderAsync), so a file set in the milliseconds
    /// between the input appearing and that listener is lost; a person cannot pick a file that fast, a test can. Sets it
    /// again, at most five times, until <paramref name="taken"/> (which waits with a short timeout) stops timing out.
    /// </summary>
    public static async Task ChooseFileAsync(ILocator input, string path, Func<Task> taken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await input.SetInputFilesAsync(path);
            try { await taken(); return; }
            catch (TimeoutException) when (attempt < 5) { }
        }
    }

    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "portal";
}
