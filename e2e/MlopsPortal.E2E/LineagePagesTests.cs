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
    private T Get<T>() where T : notnull => portal.Host.Services.GetRequiredService<T>();

    private async Task<JobRun> FinishAsync(JobRun job)
    {
        for (var i = 0; i < 600 && (await Get<JobService>().GetAsync(job.Id)).IsActive; i++) await Task.Delay(200);
        var done = await Get<JobService>().GetAsync(job.Id);
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        return done;
    }

    [Fact]
    public async Task ShouldClickFromAScoringJobToItsTrainingDataset_InTheLineageGraph()
    {
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv"));
        var data = (await Get<DatasetService>().AddAsync(Actor.Cli(), file, "compas-lineage-e2e", "compas-two-years.csv")).Version.Id;
        await Get<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = "recid-lineage-e2e", DisplayName = "Recidivism (lineage)", Owners = [PortalBrowserFixture.UserFor(Roles.MlEngineer)], RiskTier = "medium",
            Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "two_year_recid", PositiveLabel = "1",
            FeatureColumns = ["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"],
        });
        var trained = await FinishAsync(await Get<TrainingService>().StartRunAsync(Actor.Cli(),
            new TrainingRunRequest("recid-lineage-e2e", data, new Dictionary<string, string> { ["num_boost_round"] = "15" }, 1) { CodeVersion = "git:e2e" }));
        var version = Guid.Parse(trained.OutputEntityId!);
        await FinishAsync(await Get<TrainingService>().StartEvaluationAsync(Actor.Cli(), version, data, null));
        var scoring = await FinishAsync(await Get<TrainingService>().StartScoringAsync(Actor.Cli(), version, data, null));

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
