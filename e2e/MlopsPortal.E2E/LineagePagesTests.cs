using Microsoft.Playwright;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.E2E;

/// <summary>From a scoring job to its training dataset by clicking through the lineage graph, and the provenance page.</summary>
[Collection(PortalCollection.Name)]
public sealed class LineagePagesTests(PortalBrowserFixture portal)
{
    [Fact]
    public async Task ShouldClickFromAScoringJobToItsTrainingDataset_InTheLineageGraph()
    {
        var (data, trained) = await portal.TrainCompasModelAsync("recid-lineage-e2e", "compas-lineage-e2e", "Recidivism (lineage)", codeVersion: "git:e2e");
        var version = Guid.Parse(trained.OutputEntityId!);
        var training = portal.Get<TrainingService>();
        await portal.FinishAsync(await training.StartEvaluationAsync(Actor.Cli(), version, data, null));
        var scoring = await portal.FinishAsync(await training.StartScoringAsync(Actor.Cli(), version, data, null));

        var page = await portal.NewPageAsync(1366, 900);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        await page.GotoAsync($"jobs/{scoring.Id}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=lineage-button]");
        await page.WaitForURLAsync($"**/lineage/scoring-job/{scoring.Id}");
        await page.Locator("[data-testid=lineage-svg]").WaitForAsync();
        (await page.Locator($"a[data-focus=true]").GetAttributeAsync("data-node")).ShouldBe($"scoring-job:{scoring.Id}");
        await PortalBrowserFixture.ScreenshotAsync(page, "lineage-scoring-job");

        // Job → model version (upstream).
        await page.Locator($"a[data-node='model-version:{version}']").ClickAsync();
        await page.WaitForURLAsync($"**/model-versions/{version}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=lineage-button]");
        await page.WaitForURLAsync($"**/lineage/model-version/{version}");
        await page.Locator("[data-testid=lineage-svg]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "lineage-model-version");
        // Highlight the path from the training data to the scoring job.
        await PortalBrowserFixture.PickAsync(page, "path-from", "compas-lineage-e2e v1 (dataset version)", exact: true);
        await PortalBrowserFixture.PickAsync(page, "path-to", "(scoring job)");
        await page.ClickAsync("[data-testid=highlight-path]");
        (await page.Locator("[data-testid=path-message]").InnerTextAsync()).ShouldContain("3 edge(s)");
        (await page.Locator("path[stroke='#e65100']").CountAsync()).ShouldBe(3);
        await PortalBrowserFixture.ScreenshotAsync(page, "lineage-path");

        // Model version → its training dataset version → the dataset page.
        await page.Locator($"a[data-node='dataset-version:{data}']").ClickAsync();
        await page.WaitForURLAsync($"**/datasets/versions/{data}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.Locator("h1", new() { HasText = "compas-lineage-e2e" }).WaitForAsync();

        // The regulator's question, in one click from the job.
        await page.GotoAsync($"jobs/{scoring.Id}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=explain-button]");
        await page.Locator("[data-testid=provenance]").WaitForAsync();
        (await page.Locator("[data-testid=provenance-training]").InnerTextAsync()).ShouldContain("git:e2e");
        (await page.Locator("[data-testid=hyperparameters]").InnerTextAsync()).ShouldContain("num_boost_round");
        var sha = await page.Locator("[data-testid=training-data-sha]").InnerTextAsync();
        sha.Length.ShouldBe(64);
        await PortalBrowserFixture.ScreenshotAsync(page, "provenance");
    }

    private sealed class Fit
    {
        public int Nodes { get; set; }
        public int Outside { get; set; }
        public double SmallestNodeWidth { get; set; }
        public string[] CutNames { get; set; } = [];
    }

    /// <summary>How the picture sits in its canvas: nodes drawn outside it, the smallest node's width on screen, names cut short.</summary>
    private static Task<Fit> MeasureAsync(IPage page) => page.EvaluateAsync<Fit>(@"() => {
        const canvas = document.querySelector('[data-testid=lineage-canvas]').getBoundingClientRect();
        const boxes = [...document.querySelectorAll('svg.lineage-svg a[data-node] > g > rect:not([x]):not([width=""6""])')];
        const outside = boxes.filter(r => { const b = r.getBoundingClientRect();
            return b.left < canvas.left - 1 || b.top < canvas.top - 1 || b.right > canvas.right + 1 || b.bottom > canvas.bottom + 1; }).length;
        const smallest = Math.min(...boxes.map(r => r.getBoundingClientRect().width));
        const cut = [...document.querySelectorAll('svg.lineage-svg a[data-node] > g')].map(g => [...g.querySelectorAll('text')])
            .flatMap(texts => texts.slice(1, texts.length - 1)).map(t => t.textContent).filter(t => t.endsWith('…'));
        return { nodes: boxes.length, outside, smallestNodeWidth: smallest, cutNames: cut };
    }");

    /// <summary>Measures until <paramref name="settled"/> holds or 5 s pass, and returns the last measure (the caller asserts).</summary>
    private static async Task<Fit> MeasureOnceSettledAsync(IPage page, Func<Fit, bool> settled)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var fit = await MeasureAsync(page);
        while (!settled(fit) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            fit = await MeasureAsync(page);
        }
        return fit;
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1920, 1080)]
    public async Task ShouldOpenShowingEveryNodeReadably_WhenTheDemoModelsLineageOpens(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync($"lineage/model/{DemoWorkspace.ModelSlug}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=lineage-svg]").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('svg.lineage-svg')?.dataset.panZoom === 'on'");
        await PortalBrowserFixture.ScreenshotAsync(page, $"lineage-demo-{width}");

        var opened = await MeasureAsync(page);
        opened.Nodes.ShouldBeGreaterThan(10);
        opened.Outside.ShouldBe(0, "nodes are cut off when the graph opens");
        opened.SmallestNodeWidth.ShouldBeGreaterThanOrEqualTo(150, "the labels are too small to read");
        opened.CutNames.ShouldBeEmpty();

        // Zoomed in, then "Fit": everything again, nothing cut at the bottom. The buttons go through the circuit
        // before the script moves the picture, so each measure waits (up to 5 s) for the picture to settle.
        await page.ClickAsync("[data-testid=zoom-in]");
        await page.ClickAsync("[data-testid=zoom-in]");
        (await MeasureOnceSettledAsync(page, fit => fit.Outside > 0)).Outside.ShouldBeGreaterThan(0);
        await page.ClickAsync("[data-testid=lineage-fit]");
        (await MeasureOnceSettledAsync(page, fit => fit.Outside == 0)).Outside.ShouldBe(0, "Fit leaves nodes outside the canvas");
        await page.Context.CloseAsync();
    }
}
