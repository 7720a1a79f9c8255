using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

[Collection(PortalCollection.Name)]
public sealed class RegistryPagesTests(PortalBrowserFixture portal)
{
    private static string Compas => Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv");

    private async Task<IPage> DatasetsPageAsync(string role, int height = 768)
    {
        var page = await portal.NewPageAsync(1366, height);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(role));
        await page.GotoAsync("datasets");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Opens the upload panel (retrying a click that lands before the circuit is interactive) and picks a file.</summary>
    private static async Task ChooseFileAsync(IPage page, string name, string path)
    {
        for (var attempt = 0; !await page.Locator("[data-testid=dataset-upload]").IsVisibleAsync(); attempt++)
        {
            await page.ClickAsync("[data-testid=add-dataset]");
            await Task.Delay(attempt < 5 ? 500 : 2000);
        }
        // The page suggests a name from the file's; wait for it, so that typing ours is not overwritten.
        await PortalBrowserFixture.ChooseFileAsync(page.Locator("[data-testid=dataset-upload] input[type=file]"), path, () =>
            page.WaitForFunctionAsync("() => document.querySelector('[data-testid=upload-name]').value !== ''", null, new() { Timeout = 3000 }));
        await page.FillAsync("[data-testid=upload-name]", name);
        await page.Locator("[data-testid=upload-name]").BlurAsync();
    }

    [Fact]
    public async Task ShouldShowProgressThenTheProfiledVersion_WhenAnEngineerUploadsCompas()
    {
        var page = await DatasetsPageAsync(Roles.MlEngineer, height: 2400);
        await ChooseFileAsync(page, "compas-e2e", Compas);

        // Throttle the browser's upload to about 1 MB/s so that the progress bar has something to show.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 1_000_000,
        });
        await page.ClickAsync("[data-testid=upload-start]");
        await page.WaitForSelectorAsync("[data-testid=upload-progress]");
        await page.WaitForFunctionAsync(
            "() => { const b = document.querySelector('[data-testid=upload-progress] [aria-valuenow], [data-testid=upload-progress][aria-valuenow]');" +
            " const v = b && Number(b.getAttribute('aria-valuenow')); return v > 0 && v < 100; }");
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-uploading");

        await page.WaitForURLAsync("**/datasets/versions/**", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync("[data-testid=added-alert]");
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("compas-e2e");
        (await page.Locator("[data-testid=row-count]").TextContentAsync()).ShouldBe("7,214");
        (await page.Locator("[data-testid=column-count]").TextContentAsync()).ShouldBe("49");
        (await page.Locator("[data-testid=warning]").AllTextContentsAsync()).ShouldContain(w => w.Contains("decile_score_2"));
        (await page.Locator("[data-testid=column-profile]").CountAsync()).ShouldBe(49);
        // Charts draw once the browser has measured them: a histogram for a number, bars for categories.
        await page.Locator("[data-testid=column-profile]:has-text('priors_count') svg").First.WaitForAsync();
        await page.Locator("[data-testid=column-profile]:has-text('race') svg").First.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-version");

        await PortalBrowserFixture.OpenTabAsync(page, "Preview", "[data-testid=preview]");
        (await page.Locator("[data-testid=preview] tbody tr").CountAsync()).ShouldBe(100);
        // An engineer sees the protected attributes masked.
        (await page.Locator("[data-testid=preview] tbody tr").First.TextContentAsync())!.ShouldContain(DatasetService.Masked);
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-version-preview");

        // The preview as CSV: quoted text, bare numbers, the engineer's masked columns still masked.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=export-preview]"));
        var lines = await File.ReadAllLinesAsync((await download.PathAsync())!);
        lines.Length.ShouldBe(101);
        lines[0].ShouldStartWith("\"id\",\"compas_screening_date\",\"sex\",\"age\"");
        lines[1].ShouldStartWith($"1,\"2013-08-14\",\"{DatasetService.Masked}\",\"{DatasetService.Masked}\",\"Greater than 45\"");
        await PortalBrowserFixture.OpenTabAsync(page, "Schema", "[data-testid=schema-grid]");
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-version-schema");
        await page.Context.CloseAsync();

        // The same bytes again: the existing version, nothing new stored.
        page = await DatasetsPageAsync(Roles.DataScientist);
        await ChooseFileAsync(page, "compas-e2e", Compas);
        await page.ClickAsync("[data-testid=upload-start]");
        await page.WaitForSelectorAsync("[data-testid=existing-alert]", new() { Timeout = 60_000 });
        await page.GotoAsync("datasets");
        var row = page.Locator("[data-testid=datasets-grid] tr.mud-table-row:has-text('compas-e2e')");
        await row.WaitForAsync();
        (await row.TextContentAsync())!.ShouldContain("7,214");
        await PortalBrowserFixture.ScreenshotAsync(page, "datasets");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldNameTheLineAndStoreNothing_WhenTheUploadedCsvIsRagged()
    {
        var file = Path.Combine(Path.GetTempPath(), $"ragged-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "a,b,c\n1,2,3\n4,5\n");
        var page = await DatasetsPageAsync(Roles.MlEngineer);
        await ChooseFileAsync(page, "ragged-e2e", file);
        await page.ClickAsync("[data-testid=upload-start]");
        var error = page.Locator("[data-testid=upload-error]");
        await error.WaitForAsync();
        (await error.TextContentAsync())!.ShouldContain("Line 3, column 3: the row has 2 fields but the header has 3. Nothing was stored.");
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-upload-error");
        var datasets = portal.Host.Services.GetRequiredService<DatasetService>();
        (await datasets.PageAsync("ragged-e2e", 0, 10)).Total.ShouldBe(0);

        // The same session's cookie without the page's antiforgery header (a cross-site form post) is refused unread.
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload { Name = "forged.csv", MimeType = "text/csv", Buffer = "a,b\n1,2\n"u8.ToArray() });
        var forged = await page.APIRequest.PostAsync("uploads/datasets?name=forged-e2e", new() { Multipart = form });
        forged.Status.ShouldBe(400);
        (await forged.TextAsync()).ShouldContain("security token is missing or stale");
        (await datasets.PageAsync("forged-e2e", 0, 10)).Total.ShouldBe(0);
        File.Delete(file);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldHideTheAddButton_WhenABusinessStakeholderOpensDatasets()
    {
        var page = await DatasetsPageAsync(Roles.BusinessStakeholder);
        await page.WaitForSelectorAsync("[data-testid=datasets-grid]");
        (await page.Locator("[data-testid=add-dataset]").CountAsync()).ShouldBe(0);
        await page.Context.CloseAsync();
    }

    private async Task<Guid> AdultAsync()
    {
        var datasets = portal.Host.Services.GetRequiredService<DatasetService>();
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "adult", "adult.data"));
        return (await datasets.AddAsync(Actor.Cli(), file, "adult-e2e", "adult.data")).Version.Id;
    }

    /// <summary>The demo's training data, version 1 (the fixture built the demo workspace).</summary>
    private async Task<Guid> DemoDataAsync() =>
        (await portal.Get<DatasetService>().GetAsync(DemoWorkspace.TrainingDataset)).Versions.Single(v => v.Version == 1).Id;

    /// <summary>"…: age, gender." → [age, gender]: the columns a sentence names after its colon.</summary>
    private static List<string> Named(string sentence)
    {
        var list = Regex.Match(sentence, @":\s*([^.]*)").Groups[1].Value;
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    [Fact]
    public async Task ShouldMaskExactlyTheColumnsTheBannerNames_WhenAStakeholderPreviewsTheDemoData()
    {
        var version = await DemoDataAsync();
        var page = await portal.NewPageAsync(1366, 900);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync($"datasets/versions/{version}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var banner = page.Locator("[data-testid=sensitive-banner], [data-testid=warning]").Filter(new() { HasText = "sensitive" }).First;
        var named = Named(await banner.InnerTextAsync());
        named.ShouldNotBeEmpty();

        await PortalBrowserFixture.OpenTabAsync(page, "Preview", "[data-testid=preview]");
        var header = (await page.Locator("[data-testid=preview] thead th").AllInnerTextsAsync()).Select(h => h.Trim()).ToList();
        var first = await page.Locator("[data-testid=preview] tbody tr").First.Locator("td").AllInnerTextsAsync();
        var masked = header.Where((_, i) => i < first.Count && first[i].Trim() == DatasetService.Masked).ToList();
        masked.ShouldBe(named, ignoreOrder: true);
        await PortalBrowserFixture.ScreenshotAsync(page, "dataset-version-masked");

        await page.GotoAsync($"datasets/{DemoWorkspace.TrainingDataset}");
        await page.Locator("[data-testid=dataset-sensitive]").WaitForAsync();
        (await page.Locator("[data-testid=dataset-sensitive]").InnerTextAsync()).Split(',', StringSplitOptions.TrimEntries).ShouldBe(named, ignoreOrder: true);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldNamePeopleInWords_OnTheRegistryPages()
    {
        var version = await DemoDataAsync();
        var page = await portal.NewPageAsync(1366, 900);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        // The cards that other folders own (versions and runs, stage history, drift, data fairness) are checked where they are converted.
        foreach (var (path, ready, others) in new[]
                 {
                     ($"datasets/{DemoWorkspace.TrainingDataset}", "[data-testid=versions-grid] tbody tr", ""),
                     ($"datasets/versions/{version}", "[data-testid=version-summary]", "[data-testid=data-fairness]"),
                     ($"models/{DemoWorkspace.ModelSlug}", "[data-testid=model-about]", "[data-testid=versions-grid], [data-testid=runs-grid], [data-testid=stage-history], [data-testid=drift-card]"),
                     ($"models/{DemoWorkspace.ModelSlug}/live", "[data-testid=outcome-uploads]", ""),
                 })
        {
            await page.GotoAsync(path);
            await PortalBrowserFixture.WaitForInteractiveAsync(page);
            await page.Locator(ready).First.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var text = await page.EvaluateAsync<string>(@"others => {
                let text = document.querySelector('.portal-main').innerText;
                if (others) for (const e of document.querySelectorAll(others)) text = text.replace((e.closest('.mud-paper') ?? e).innerText, '');
                return text; }", others);
            JobsPagesTests.RawIdentifier.Matches(text).Select(m => m.Value).ShouldBeEmpty(path);
            text.ShouldNotContain("binaryClassification", Case.Sensitive, path);
        }
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1920, 1080)]
    public async Task ShouldFitTheGridsOnThePage_WhenTheRegistryAndJobsPagesOpen(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        foreach (var (path, grid) in new[]
                 {
                     ("models", "models-grid"), ("datasets", "datasets-grid"), ($"datasets/{DemoWorkspace.TrainingDataset}", "versions-grid"),
                     ("jobs?status=Succeeded", "history-grid"), ("workers", "workers-grid"),
                 })
        {
            await page.GotoAsync(path);
            await PortalBrowserFixture.WaitForInteractiveAsync(page);
            await page.Locator($"[data-testid={grid}] tbody tr").First.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            overflow.ShouldBeLessThanOrEqualTo(0, $"{path} scrolls sideways at {width} px");
            var inner = await page.Locator($"[data-testid={grid}] table").First.EvaluateAsync<int>(
                "t => { let c = t.parentElement; while (c && getComputedStyle(c).overflowX === 'visible') c = c.parentElement; return c ? c.scrollWidth - c.clientWidth : 0; }");
            inner.ShouldBeLessThanOrEqualTo(1, $"{path}: the grid's default columns are wider than the page at {width} px");
            await PortalBrowserFixture.ScreenshotAsync(page, $"fit-{grid}-{width}");
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowTheOverviewFirstAndKeepSaveInReach_WhenAnEngineerOpensTheModelPage()
    {
        var page = await portal.NewPageAsync(1366, 768);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync($"models/{DemoWorkspace.ModelSlug}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        // What the model is and where its versions stand come first; the edit form is not on the overview.
        await page.Locator("[data-testid=versions-grid]").WaitForAsync();
        await page.Locator("[data-testid=stage-history]").WaitForAsync();
        (await page.Locator("[data-testid=save-model]").IsVisibleAsync()).ShouldBeFalse("the overview mixes in the edit form");
        await PortalBrowserFixture.ScreenshotAsync(page, "model-overview");

        await PortalBrowserFixture.OpenTabAsync(page, "Edit", "[data-testid=save-model]");
        var save = await page.Locator("[data-testid=save-model]").BoundingBoxAsync();
        save.ShouldNotBeNull();
        (save.Y + save.Height).ShouldBeLessThanOrEqualTo(768, "Save is below the first screen of the edit tab");
        await PortalBrowserFixture.ScreenshotAsync(page, "model-edit");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldCreateAModelWithADerivedContract_WhenAnEngineerFillsTheForm()
    {
        await AdultAsync();
        var page = await portal.NewPageAsync(1366, 2200);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("models/new");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await PortalBrowserFixture.PickAsync(page, "reference-dataset", "adult-e2e"); // also proves the page is interactive
        await page.FillAsync("[data-testid=model-slug]", "income-e2e");
        await page.FillAsync("[data-testid=model-name]", "Income over 50K");
        await PortalBrowserFixture.PickAsync(page, "model-label", "Y", exact: true);
        await page.FillAsync("[data-testid=model-positive]", ">50K");
        await PortalBrowserFixture.PickAsync(page, "model-features", "hours-per-week", exact: true);
        // A multi-select keeps its list open; its text shows the choice took (a click during the list's opening can be lost).
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=model-features]')?.value.includes('hours-per-week')");
        await page.Keyboard.PressAsync("Escape");
        await page.ClickAsync("[data-testid=derive-contract]");
        await page.WaitForSelectorAsync("[data-testid=contract-grid] tr.mud-table-row:has-text('hours-per-week')");
        await page.ClickAsync("[data-testid=add-criterion]");
        await PortalBrowserFixture.ScreenshotAsync(page, "model-new");
        await page.ClickAsync("[data-testid=save-model]");
        await page.WaitForURLAsync("**/models/income-e2e?created=1", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync("[data-testid=model-message]:has-text('Created income-e2e.')");

        var model = await portal.Host.Services.GetRequiredService<ModelService>().GetAsync("income-e2e");
        model.LabelColumn.ShouldBe("Y");
        model.PositiveLabel.ShouldBe(">50K");
        model.FeatureColumns.ShouldBe(["hours-per-week"]);
        model.DataContract.Select(c => c.Name).Order().ShouldBe(["hours-per-week", "Y"]);
        model.AcceptanceCriteria.Single().Metric.ShouldBe("auc");
        model.Owners.ShouldBe([PortalBrowserFixture.UserFor(Roles.MlEngineer)]);
        // The new model opens on its overview; the contract and its check are on the edit tab.
        await PortalBrowserFixture.OpenTabAsync(page, "Edit definition", "[data-testid=check-dataset]");
        await PortalBrowserFixture.ScreenshotAsync(page, "model");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldSaveOnlyTheCriteria_WhenABusinessStakeholderEditsThem()
    {
        var models = portal.Host.Services.GetRequiredService<ModelService>();
        if ((await models.PageAsync("criteria-e2e", null, 0, 1)).Total == 0)
            await models.CreateAsync(Actor.Cli(), new ModelDefinition
            {
                Slug = "criteria-e2e", DisplayName = "Criteria", Owners = [PortalBrowserFixture.UserFor(Roles.MlEngineer)], RiskTier = "medium",
                LabelColumn = "y", PositiveLabel = "1", FeatureColumns = ["x"],
            });
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync("models/criteria-e2e");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        // A stakeholder owns the criteria and cannot change the rest of the definition.
        await PortalBrowserFixture.OpenTabAsync(page, "Acceptance criteria", "[data-testid=add-criterion]");
        (await page.Locator("[data-testid=save-model]").CountAsync()).ShouldBe(0);
        (await page.GetByRole(AriaRole.Tab, new() { Name = "Edit definition" }).CountAsync()).ShouldBe(0);
        (await page.Locator("[data-testid=model-name]").CountAsync()).ShouldBe(0);
        for (var attempt = 0; await page.Locator("[data-testid=criteria-grid] tbody tr:not(.portal-empty)").CountAsync() == 0 && attempt < 10; attempt++)
        {
            await page.ClickAsync("[data-testid=add-criterion]");
            await Task.Delay(500);
        }
        await page.ClickAsync("[data-testid=save-criteria]");
        await page.WaitForSelectorAsync("[data-testid=model-message]:has-text('Acceptance criteria saved.')");
        (await models.GetAsync("criteria-e2e")).AcceptanceCriteria.Single().OwningRole.ShouldBe(Roles.BusinessStakeholder);
        await page.Context.CloseAsync();
    }
}
