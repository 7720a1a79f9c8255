using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Training;

[Collection(nameof(TrainingCollection))]
public sealed class TrainingRunTests(TrainingFixture f)
{
    [Fact]
    public async Task ShouldRecordTheRunAndAnImmutableVersion_WhenTrainingSucceeds()
    {
        await f.CreateModelAsync("recid-train");
        var job = await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-train", f.Compas, TrainingFixture.FewRounds(), 7, "git:abc123", "first fit"));
        var done = await f.FinishAsync(job);
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.Summary!.ShouldStartWith("Version 1 of recid-train: 15 rounds");

        var view = await f.Training.GetRunAsync(job.Id);
        view.Rounds.Select(r => r.Round).ShouldBe(Enumerable.Range(1, 15));
        view.Rounds.ShouldAllBe(r => r.Metric == "logloss" && r.Train > 0 && r.Validation > 0);
        var run = view.Training.ShouldNotBeNull();
        run.Seed.ShouldBe(7);
        run.CodeVersion.ShouldBe("git:abc123");
        run.Trigger.ShouldBe(TrainingTriggers.User);
        run.Reason.ShouldBe("first fit");
        run.NodeId.ShouldBe(done.NodeId);
        run.EngineVersion.ShouldBe(XGBoostLibrary.Version);
        run.TrainRows.ShouldBe(5771);
        run.ValidationRows.ShouldBe(1443);
        run.BoostSeconds.ShouldNotBeNull();

        var version = (await f.Training.GetVersionAsync(run.ModelVersionId!.Value)).Version;
        version.Number.ShouldBe(1);
        version.ExternallyTrained.ShouldBeFalse();
        version.TrainingRunId.ShouldBe(job.Id);
        version.Seed.ShouldBe(7);
        version.Hyperparameters["nthread"].ShouldBe("2");
        version.Hyperparameters["objective"].ShouldBe("binary:logistic");
        version.Features.ShouldBe(["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"]);
        version.ValidationMetrics.ShouldNotBeNull().ShouldContain("\"auc\"");
        await using (var package = f.Training.OpenPackage(version))
        {
            using var copy = new MemoryStream();
            await package.CopyToAsync(copy);
            ModelPackage.Sha256(copy.ToArray()).ShouldBe(version.PackageSha256);
            copy.Position = 0;
            var (manifest, _) = ModelPackage.Read(copy);
            manifest.TrainingDataSha256.ShouldBe(run.DataSha256);
            manifest.Features.Single(e => e.Column == "c_charge_degree").Kind.ShouldBe(FeatureKind.Categorical);
        }

        var actions = await f.QueryAsync(db => db.AuditEvents.Where(e => e.EntityId == job.Id.ToString() || e.EntityId == version.Id.ToString())
            .Select(e => e.Action).ToListAsync());
        actions.ShouldBe(["job.requested", "training-run.started", "model-version.created", "training-run.completed", "job.succeeded"], ignoreOrder: true);
        // dataset version → run (when the run started) → version (when it finished).
        var edges = await f.QueryAsync(db => db.LineageEdges.Where(e => e.ToId == version.Id.ToString() || e.ToId == job.Id.ToString()).ToListAsync());
        edges.Select(e => (e.FromKind, e.FromId, e.ToKind, e.ToId, e.Relation)).ShouldBe([
            (EntityKinds.DatasetVersion, f.Compas.ToString(), EntityKinds.TrainingRun, job.Id.ToString(), "trained-on"),
            (EntityKinds.TrainingRun, job.Id.ToString(), EntityKinds.ModelVersion, version.Id.ToString(), "produced"),
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task ShouldGiveTheSamePackageHash_WhenTheSameInputsAndSeedAreTrainedTwice()
    {
        await f.CreateModelAsync("recid-repeat");
        var first = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-repeat", f.Compas, TrainingFixture.FewRounds(), 11)));
        var second = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-repeat", f.Compas, TrainingFixture.FewRounds(), 11)));
        var third = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-repeat", f.Compas, TrainingFixture.FewRounds(), 12)));

        second.Status.ShouldBe(JobRunStatus.Succeeded, second.Error);
        second.OutputEntityId.ShouldBe(first.OutputEntityId);
        second.Summary!.ShouldStartWith("Same package as version 1");
        third.OutputEntityId.ShouldNotBe(first.OutputEntityId);
        var versions = await f.Training.VersionsAsync("recid-repeat");
        versions.Select(v => v.Version.Number).ShouldBe([2, 1]);
        versions[0].Version.PackageSha256.ShouldNotBe(versions[1].Version.PackageSha256);
    }

    [Fact]
    public async Task ShouldStopWithoutAVersion_WhenTheRunIsCancelled()
    {
        await f.CreateModelAsync("recid-cancel");
        var job = await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-cancel", f.Compas,
            new() { ["num_boost_round"] = "10000", ["max_depth"] = "10" }));
        await f.Host.WaitForRunAsync(r => r.Id == job.Id && (r.ProgressText != null || !r.IsActive), "the first rounds");
        await f.Jobs.CancelAsync(Actor.Cli(), job.Id);
        var done = await f.FinishAsync(job);

        done.Status.ShouldBe(JobRunStatus.Cancelled);
        (await f.Training.VersionsAsync("recid-cancel")).ShouldBeEmpty();
        var view = await f.Training.GetRunAsync(job.Id);
        view.Training.ShouldNotBeNull().ModelVersionId.ShouldBeNull();
    }

    [Theory]
    [InlineData("max_dept", "max_dept")]
    [InlineData("eta", "eta")]
    [InlineData("objective", "binary:logitraw")]
    public async Task ShouldRefuseInXGBoostsWords_WhenAParameterIsUnknownOrInvalid(string name, string expected)
    {
        await f.CreateModelAsync($"recid-param-{name.Replace("_", "")}");
        var before = await f.QueryAsync(db => db.JobRuns.CountAsync());
        var error = await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartRunAsync(Actor.Cli(),
            new TrainingRunRequest($"recid-param-{name.Replace("_", "")}", f.Compas, new() { [name] = name switch { "eta" => "fast", "objective" => "binary:logitraw", _ => "6" } })));
        error.Message.ShouldContain(expected);
        (await f.QueryAsync(db => db.JobRuns.CountAsync())).ShouldBe(before);
    }

    [Fact]
    public async Task ShouldRefuseTheRun_WhenTheDataBreaksTheContractOrTheLabelHasOneClass()
    {
        await f.CreateModelAsync("recid-contract", d => d with
        {
            DataContract =
            [
                new("id", "integer"), new("age", "integer", Min: 18, Max: 60), new("priors_count", "integer"), new("c_charge_degree", "categorical"),
                new("juv_fel_count", "integer"), new("sex", "categorical"), new("two_year_recid", "integer"),
            ],
        });
        var before = await f.QueryAsync(db => db.JobRuns.CountAsync());
        var contract = await Should.ThrowAsync<PortalValidationException>(() =>
            f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-contract", f.Compas)));
        contract.Message.ShouldContain("breaks the data contract");
        contract.Message.ShouldContain("age");

        await f.CreateModelAsync("recid-one-class", d => d with { LabelColumn = "type_of_assessment", PositiveLabel = "Risk of Recidivism" });
        var oneClass = await Should.ThrowAsync<PortalValidationException>(() =>
            f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-one-class", f.Compas)));
        oneClass.Message.ShouldContain("one class");
        (await f.QueryAsync(db => db.JobRuns.CountAsync())).ShouldBe(before);
    }

    [Fact]
    public async Task ShouldRetrainOnTheNewestVersionOfTheChampionsDataset_WhenTheScheduleFires()
    {
        await f.CreateModelAsync("recid-retrain");
        var datasets = f.Host.Services.GetRequiredService<DatasetService>();
        var lines = await File.ReadAllLinesAsync(TrainingFixture.CompasFile);
        Guid Add(int rows) => datasets.AddAsync(Actor.Cli(), new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(rows + 1)) + "\n")),
            "compas-retrain").GetAwaiter().GetResult().Version.Id;
        var older = Add(5000);
        var first = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-retrain", older, TrainingFixture.FewRounds())));
        first.Status.ShouldBe(JobRunStatus.Succeeded, first.Error);
        var newer = Add(6000);
        var schedules = f.Host.Services.GetRequiredService<ScheduleService>();
        var schedule = await f.Host.Services.GetRequiredService<RetrainingSchedules>().SetAsync(Actor.Cli(), "recid-retrain", "0 3 * * *", "UTC");

        await schedules.RunNowAsync(Actor.Cli(), schedule.Id);
        var fired = await f.Host.WaitForRunAsync(
            r => r.Kind == TrainModelJob.Kind && r.ScheduleId == schedule.Id && !r.IsActive, "the scheduled retraining");

        fired.Status.ShouldBe(JobRunStatus.Succeeded, fired.Error);
        var run = (await f.Training.GetRunAsync(fired.Id)).Training.ShouldNotBeNull();
        run.Trigger.ShouldBe(TrainingTriggers.Schedule);
        run.DatasetVersionId.ShouldBe(newer);
        (await f.Training.VersionsAsync("recid-retrain")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task ShouldFailSayingWhy_WhenAScheduleFiresForAModelWithoutAVersion()
    {
        await f.CreateModelAsync("recid-never-trained");
        var schedules = f.Host.Services.GetRequiredService<ScheduleService>();
        var schedule = await f.Host.Services.GetRequiredService<RetrainingSchedules>().SetAsync(Actor.Cli(), "recid-never-trained", "0 3 * * *", "UTC");
        await schedules.RunNowAsync(Actor.Cli(), schedule.Id);
        var fired = await f.Host.WaitForRunAsync(
            r => r.Kind == TrainModelJob.Kind && r.ScheduleId == schedule.Id && !r.IsActive, "the scheduled retraining");
        fired.Status.ShouldBe(JobRunStatus.Failed);
        fired.Error!.ShouldContain("start the first run by hand");
    }

    [Fact]
    public async Task ShouldRefuseARegressionObjective_ForAClassificationModel()
    {
        await f.CreateModelAsync("recid-wrong-objective");
        var error = await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartRunAsync(Actor.Cli(),
            new TrainingRunRequest("recid-wrong-objective", f.Compas, new() { ["objective"] = "reg:squarederror" })));
        error.Message.ShouldContain("does not fit 'recid-wrong-objective', a binaryClassification model");
    }
}
