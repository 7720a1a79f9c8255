using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

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
        await RegistryPagesTests.PickAsync(page, "path-from", "compas-lineage-e2e v1 (dataset version)");
        await RegistryPagesTests.PickAsync(page, "path-to", "(scoring job)", exact: false);
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
}
