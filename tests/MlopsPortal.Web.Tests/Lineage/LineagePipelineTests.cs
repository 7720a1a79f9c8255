using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Web.Tests.Training;

namespace MlopsPortal.Web.Tests.Lineage;

/// <summary>
/// Lineage as the real jobs record it: train, evaluate and score, then ask the service and the API where a
/// prediction came from.
/// </summary>
[Collection(nameof(TrainingCollection))]
public sealed class LineagePipelineTests(TrainingFixture f)
{
    private LineageService Lineage => f.Host.Services.GetRequiredService<LineageService>();

    private async Task<(ModelVersion Version, JobRun Training, JobRun Scoring, Guid Output)> ScoreAsync(string slug)
    {
        await f.CreateModelAsync(slug);
        var training = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(slug, f.Compas, TrainingFixture.FewRounds(), 11)
        {
            CodeVersion = "git:lineage",
        }));
        training.Status.ShouldBe(JobRunStatus.Succeeded, training.Error);
        var version = (await f.Training.GetVersionAsync(Guid.Parse(training.OutputEntityId!))).Version;
        var evaluation = await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), version.Id, f.Compas, null));
        evaluation.Status.ShouldBe(JobRunStatus.Succeeded, evaluation.Error);
        var scoring = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null));
        scoring.Status.ShouldBe(JobRunStatus.Succeeded, scoring.Error);
        return (version, training, scoring, Guid.Parse(scoring.OutputEntityId!));
    }

    [Fact]
    public async Task ShouldTraceAScoringOutputBackToItsTrainingData_WhenAskedUpstream()
    {
        var (version, training, scoring, output) = await ScoreAsync("recid-lineage");
        var graph = await Lineage.GetAsync(new LineageQuery(EntityKinds.DatasetVersion, output.ToString(), LineageDirection.Up, 4));

        var ids = graph.Nodes.Select(n => n.Id).ToHashSet();
        ids.ShouldContain($"{EntityKinds.ScoringJob}:{scoring.Id}");
        ids.ShouldContain($"{EntityKinds.ModelVersion}:{version.Id}");
        ids.ShouldContain($"{EntityKinds.TrainingRun}:{training.Id}");
        ids.ShouldContain($"{EntityKinds.DatasetVersion}:{f.Compas}");
        ids.ShouldContain(n => n.StartsWith(EntityKinds.Model + ":", StringComparison.Ordinal));
        graph.Nodes.Single(n => n.Focus).Id.ShouldBe($"{EntityKinds.DatasetVersion}:{output}");
        // Nothing downstream of the output is asked for, so the evaluation (a sibling branch) is not there.
        graph.Nodes.ShouldNotContain(n => n.Kind == EntityKinds.Evaluation);
        graph.Edges.ShouldContain(new LineageLink($"{EntityKinds.ScoringJob}:{scoring.Id}", $"{EntityKinds.DatasetVersion}:{output}", "produced"));
        graph.Edges.ShouldContain(new LineageLink($"{EntityKinds.DatasetVersion}:{f.Compas}", $"{EntityKinds.TrainingRun}:{training.Id}", "trained-on"));
        var sha = await f.QueryAsync(db => db.DatasetVersions.Where(v => v.Id == f.Compas).Select(v => v.Sha256).SingleAsync());
        graph.Nodes.Single(n => n.Id == $"{EntityKinds.DatasetVersion}:{f.Compas}").KeyFact.ShouldStartWith($"sha256 {sha[..12]}");
        graph.Nodes.Single(n => n.Id == $"{EntityKinds.ModelVersion}:{version.Id}").Url.ShouldBe($"/model-versions/{version.Id}");

        // Depth 1 stops at the job.
        var near = await Lineage.GetAsync(new LineageQuery(EntityKinds.DatasetVersion, output.ToString(), LineageDirection.Up, 1));
        near.Nodes.Select(n => n.Kind).ShouldBe([EntityKinds.DatasetVersion, EntityKinds.ScoringJob, EntityKinds.Dataset], ignoreOrder: true);

        // Downstream of the version: its evaluation, its scoring job and the job's output; upstream: the model and the run.
        var around = await Lineage.GetAsync(new LineageQuery(EntityKinds.ModelVersion, version.Id.ToString()));
        around.Nodes.Select(n => n.Kind).Distinct().ShouldBe(
            [EntityKinds.ModelVersion, EntityKinds.Model, EntityKinds.TrainingRun, EntityKinds.DatasetVersion, EntityKinds.Dataset, EntityKinds.Evaluation, EntityKinds.ScoringJob],
            ignoreOrder: true);
        var drawing = LineageDrawing.Of(around);
        foreach (var (_, route) in drawing.Routes) route.Points[^1].X.ShouldBeGreaterThan(route.Points[0].X);
    }

    [Fact]
    public async Task ShouldAnswerWherePredictionsCameFrom_WithHashesCodeVersionAndHyperparameters()
    {
        var (version, training, scoring, output) = await ScoreAsync("recid-provenance");
        var provenance = await Lineage.ExplainAsync(EntityKinds.DatasetVersion, output.ToString());
        provenance.Scoring.ShouldNotBeNull().JobId.ShouldBe(scoring.Id);
        provenance.Scoring.InputDatasetVersionId.ShouldBe(f.Compas);
        provenance.Version.Id.ShouldBe(version.Id);
        provenance.Version.PackageSha256.ShouldBe(version.PackageSha256);
        var run = provenance.Training.ShouldNotBeNull();
        run.RunId.ShouldBe(training.Id);
        run.CodeVersion.ShouldBe("git:lineage");
        run.Seed.ShouldBe(11);
        run.Hyperparameters["num_boost_round"].ShouldBe("15");
        var sha = await f.QueryAsync(db => db.DatasetVersions.Where(v => v.Id == f.Compas).Select(v => v.Sha256).SingleAsync());
        provenance.TrainingData.Single().Sha256.ShouldBe(sha);
        provenance.Approvals.ShouldBeEmpty(); // never promoted
        provenance.Chain.ShouldBe([
            $"{EntityKinds.DatasetVersion}:{output}", $"{EntityKinds.ScoringJob}:{scoring.Id}", $"{EntityKinds.ModelVersion}:{version.Id}",
            $"{EntityKinds.TrainingRun}:{training.Id}", $"{EntityKinds.DatasetVersion}:{f.Compas}",
        ]);

        // The input data is not a prediction: a clear refusal.
        (await Should.ThrowAsync<PortalValidationException>(() => Lineage.ExplainAsync(EntityKinds.DatasetVersion, f.Compas.ToString())))
            .Message.ShouldContain("not the output of a scoring job");
    }

    [Fact]
    public async Task ShouldServeLineageAsJsonAndSvg_AndRefuseBadQueries_OverTheApi()
    {
        var (version, _, scoring, output) = await ScoreAsync("recid-lineage-api");
        await f.Host.CreateUserAsync("lineage-auditor@x.test", Roles.Auditor);
        var client = f.Host.CreateClient(await f.Host.CreateTokenAsync("lineage-auditor@x.test"));

        var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/lineage/scoring-job/{scoring.Id}?direction=up&depth=2");
        body.GetProperty("focus").GetString().ShouldBe($"scoring-job:{scoring.Id}");
        var nodes = body.GetProperty("nodes").EnumerateArray().ToList();
        var versionNode = nodes.Single(n => n.GetProperty("kind").GetString() == "model-version");
        versionNode.GetProperty("id").GetString().ShouldBe($"model-version:{version.Id}");
        versionNode.GetProperty("name").GetString().ShouldBe("recid-lineage-api v1");
        versionNode.GetProperty("keyFact").GetString().ShouldBe("no stage");
        versionNode.GetProperty("url").GetString().ShouldBe($"/model-versions/{version.Id}");
        body.GetProperty("edges").EnumerateArray().ShouldContain(e => e.GetProperty("from").GetString() == $"model-version:{version.Id}"
                                                                     && e.GetProperty("to").GetString() == $"scoring-job:{scoring.Id}"
                                                                     && e.GetProperty("relation").GetString() == "scored-with");

        var svg = await client.GetAsync($"api/v1/lineage/dataset-version/{output}/svg?direction=up&depth=4");
        svg.StatusCode.ShouldBe(HttpStatusCode.OK);
        svg.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        var text = await svg.Content.ReadAsStringAsync();
        text.ShouldStartWith("<?xml");
        text.ShouldContain("xmlns=\"http://www.w3.org/2000/svg\"");
        text.ShouldContain($"data-node=\"model-version:{version.Id}\"");

        var provenance = await client.GetFromJsonAsync<JsonElement>($"api/v1/lineage/dataset-version/{output}/provenance");
        provenance.GetProperty("version").GetProperty("packageSha256").GetString().ShouldBe(version.PackageSha256);

        foreach (var (query, status, message) in new[]
                 {
                     ($"api/v1/lineage/model-version/{version.Id}?depth=11", HttpStatusCode.BadRequest, "Depth must be between 1 and 10"),
                     ($"api/v1/lineage/model-version/{version.Id}?depth=0", HttpStatusCode.BadRequest, "Depth must be between 1 and 10"),
                     ($"api/v1/lineage/model-version/{version.Id}?direction=sideways", HttpStatusCode.BadRequest, "direction must be up, down or both"),
                     ($"api/v1/lineage/spaceship/{version.Id}", HttpStatusCode.BadRequest, "not a lineage kind"),
                     ($"api/v1/lineage/model-version/{Guid.NewGuid()}", HttpStatusCode.NotFound, "No model version"),
                     ("api/v1/lineage/model/no-such-model", HttpStatusCode.NotFound, "No model 'no-such-model'"),
                 })
        {
            var response = await client.GetAsync(query);
            response.StatusCode.ShouldBe(status, query);
            (await response.Content.ReadAsStringAsync()).ShouldContain(message);
        }
        (await f.Host.CreateClient().GetAsync($"api/v1/lineage/model-version/{version.Id}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
