using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Training;

[Collection(nameof(TrainingCollection))]
public sealed class EvaluationAndScoringTests(TrainingFixture f)
{
    private async Task<ModelVersion> TrainAsync(string slug, int seed)
    {
        var done = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(slug, f.Compas, TrainingFixture.FewRounds(), seed)));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        return (await f.Training.GetVersionAsync(Guid.Parse(done.OutputEntityId!))).Version;
    }

    [Fact]
    public async Task ShouldEvaluateEveryCriterionAndTheChampion_OnTheSameHoldout()
    {
        await f.CreateModelAsync("recid-eval");
        var champion = await TrainAsync("recid-eval", 1);
        await f.QueryAsync(db => db.ModelVersions.Where(v => v.Id == champion.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.Stage, VersionStage.Production)));
        var challenger = await TrainAsync("recid-eval", 2);

        var done = await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), challenger.Id, f.Compas, 0.4));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.Summary!.ShouldContain("1 of 2 acceptance criteria met");
        var evaluation = await f.Training.GetEvaluationAsync(done.Id);
        evaluation.Rows.ShouldBe(7214);
        evaluation.Threshold.ShouldBe(0.4);
        var result = TrainingJson.ReadResult(evaluation.Result).ShouldNotBeNull();
        var metrics = result.Classification.ShouldNotBeNull();
        metrics.Auc!.Value.ShouldBeInRange(0.6, 0.9);
        metrics.Confusion.Total.ShouldBe(7214);
        metrics.Calibration.Count.ShouldBe(10);
        result.Importance.Select(i => i.Feature).ShouldBe(["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"], ignoreOrder: true);
        result.Importance[0].MeanAbsContribution.ShouldBeGreaterThan(result.Importance[^1].MeanAbsContribution);
        result.ImportanceRowCount.ShouldBe(7214);
        evaluation.Criteria.Single(c => c.Metric == "auc").Passed.ShouldBeTrue();
        evaluation.Criteria.Single(c => c.Metric == "accuracy").Passed.ShouldBeFalse();
        evaluation.CriteriaPassed.ShouldBe(false);
        evaluation.ChampionVersionId.ShouldBe(champion.Id);
        TrainingJson.ReadResult(evaluation.ChampionResult).ShouldNotBeNull().Rows.ShouldBe(7214);
        evaluation.ChampionCriteria.Count.ShouldBe(2);
        (await f.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "evaluation.completed" && e.EntityId == done.Id.ToString()))).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldWriteTheScoresAsANewDatasetVersion_WithLineageToBothInputs()
    {
        await f.CreateModelAsync("recid-score");
        var version = await TrainAsync("recid-score", 3);
        var done = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null));

        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.OutputEntityType.ShouldBe(EntityKinds.DatasetVersion);
        var output = await f.QueryAsync(db => db.DatasetVersions.SingleAsync(v => v.Id == Guid.Parse(done.OutputEntityId!)));
        output.RowCount.ShouldBe(7214);
        output.ColumnCount.ShouldBe(3);
        var dataset = await f.QueryAsync(db => db.Datasets.SingleAsync(d => d.Id == output.DatasetId));
        dataset.Name.ShouldBe("recid-score-scores");
        // input → scoring job ← version, scoring job → output.
        var edges = await f.QueryAsync(db => db.LineageEdges.Where(e => e.ToId == output.Id.ToString() || e.ToId == done.Id.ToString()).ToListAsync());
        edges.Select(e => (e.FromKind, e.FromId, e.ToKind, e.ToId, e.Relation)).ShouldBe([
            (EntityKinds.DatasetVersion, f.Compas.ToString(), EntityKinds.ScoringJob, done.Id.ToString(), "input"),
            (EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.ScoringJob, done.Id.ToString(), "scored-with"),
            (EntityKinds.ScoringJob, done.Id.ToString(), EntityKinds.DatasetVersion, output.Id.ToString(), "produced"),
        ], ignoreOrder: true);

        // The stored scores equal the offline scorer's on the same package and data, in input order.
        var store = f.Host.Services.GetRequiredService<MlopsPortal.Core.Artifacts.IArtifactStore>();
        string stored;
        using (var reader = new StreamReader(store.OpenRead(output.Sha256)))
            stored = await reader.ReadToEndAsync();
        var expected = new StringWriter();
        await using (var package = f.Training.OpenPackage(version))
            Scorer.Score(package, () => File.OpenRead(TrainingFixture.CompasFile), expected, ["id"], 0.5);
        stored.ShouldBe(expected.ToString());
        stored.Split('\n')[0].ShouldBe("id,score,prediction");
    }

    [Fact]
    public async Task ShouldRefuseScoring_WhenTheModelHasNoKeyColumnsOrTheThresholdIsOutOfRange()
    {
        await f.CreateModelAsync("recid-nokey", d => d with { KeyColumns = [] });
        var version = await TrainAsync("recid-nokey", 4);
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null)))
            .Message.ShouldContain("no key columns");
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartEvaluationAsync(Actor.Cli(), version.Id, f.Compas, 1.5)))
            .Message.ShouldContain("between 0 and 1");

        await f.CreateModelAsync("recid-wrongkey", d => d with { KeyColumns = ["case_id"] });
        var keyed = await TrainAsync("recid-wrongkey", 4);
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), keyed.Id, f.Compas, null)))
            .Message.ShouldContain("no key column 'case_id'");
    }

    [Fact]
    public async Task ShouldRegisterAnExternallyTrainedModel_AndRefuseACorruptOne()
    {
        // Numeric features only: the XGBoost model's inputs are the dataset's columns themselves.
        await f.CreateModelAsync("recid-external", d => d with { FeatureColumns = ["age", "priors_count", "juv_fel_count"] });
        var trained = await TrainAsync("recid-external", 5);
        byte[] modelJson;
        await using (var package = f.Training.OpenPackage(trained))
            modelJson = ModelPackage.Read(package).Model;
        var features = new List<string> { "age", "priors_count", "juv_fel_count" };
        var before = await f.QueryAsync(db => db.ModelVersions.CountAsync());

        var corrupt = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", Encoding.UTF8.GetBytes("{\"learner\": nonsense"), features)));
        corrupt.Message.ShouldContain("not a valid XGBoost model");
        var ubjson = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", UbjsonOf(modelJson), features)));
        ubjson.Message.ShouldContain("not XGBoost's JSON format");
        var wrongCount = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", modelJson, ["age"])));
        wrongCount.Message.ShouldContain("reads 3 features; 1 are listed");
        var notAFeature = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", modelJson, ["age", "priors_count", "c_charge_degree=F"], f.Compas)));
        notAFeature.Message.ShouldBe("The model file reads 'c_charge_degree=F', which is not one of the feature columns of 'recid-external' (age, priors_count, juv_fel_count).");
        (await f.QueryAsync(db => db.ModelVersions.CountAsync())).ShouldBe(before);

        var (version, created) = await f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", modelJson, features, f.Compas, "notebook: risk/fit.ipynb", "git:feed"));
        created.ShouldBeTrue();
        version.ExternallyTrained.ShouldBeTrue();
        version.Number.ShouldBe(2);
        version.Source.ShouldBe("notebook: risk/fit.ipynb");
        version.Engine.ShouldBe("xgboost");
        version.Features.ShouldBe(features);
        await using (var stored = f.Training.OpenPackage(version))
            ModelPackage.Read(stored).Manifest.Label.NegativeLabel.ShouldBe("0");
        var again = await f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-external", modelJson, features, f.Compas, "notebook: risk/fit.ipynb", "git:feed"));
        again.Created.ShouldBeFalse();
        again.Version.Id.ShouldBe(version.Id);
        (await f.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "model-version.registered" && e.EntityId == version.Id.ToString()))).ShouldBe(1);
    }

    private static readonly string OnnxFolder = Path.Combine(RepositoryRoot.Path, "tests", "data", "onnx");
    private static readonly List<string> OnnxFeatures = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count"];

    /// <summary>
    /// A scikit-learn model converted to ONNX goes through everything a trained version does: evaluation, scoring and a
    /// fairness audit; a mismatch with the data contract (a missing column, a column that is not a number) stores nothing.
    /// </summary>
    [Fact]
    public async Task ShouldRegisterAnOnnxModel_CheckItAgainstTheData_AndRunItLikeAnyVersion()
    {
        await f.CreateModelAsync("recid-onnx", d => d with { FeatureColumns = [] });
        var logistic = await File.ReadAllBytesAsync(Path.Combine(OnnxFolder, "sklearn-logistic.onnx"));
        var before = await f.QueryAsync(db => db.ModelVersions.CountAsync());
        var blobsBefore = Directory.GetFiles(f.Host.Services.GetRequiredService<Core.Data.PortalPaths>().ArtifactsDirectory, "*", SearchOption.AllDirectories).Length;

        var missing = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-onnx", logistic, ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_count"], f.Compas)));
        missing.Message.ShouldStartWith("The model file reads 'juv_count', which the dataset version does not have");
        var mistyped = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-onnx", logistic, ["age", "priors_count", "juv_fel_count", "juv_misd_count", "race"], f.Compas)));
        mistyped.Message.ShouldStartWith("The model file reads numbers, but in the dataset version 'race' is categorical");
        var unnamed = await Should.ThrowAsync<PortalValidationException>(() => f.Training.RegisterExternalAsync(Actor.Cli(),
            new ExternalVersionRequest("recid-onnx", logistic, [], f.Compas)));
        unnamed.Message.ShouldContain("list the features in the order the model reads them");
        (await f.QueryAsync(db => db.ModelVersions.CountAsync())).ShouldBe(before);
        Directory.GetFiles(f.Host.Services.GetRequiredService<Core.Data.PortalPaths>().ArtifactsDirectory, "*", SearchOption.AllDirectories).Length.ShouldBe(blobsBefore);

        // Per-column inputs name the features themselves.
        var (version, created) = await f.Training.RegisterExternalAsync(Actor.Cli(), new ExternalVersionRequest("recid-onnx",
            await File.ReadAllBytesAsync(Path.Combine(OnnxFolder, "sklearn-gradient-boosting.onnx")), [], f.Compas, "sklearn GradientBoostingClassifier via skl2onnx"));
        created.ShouldBeTrue();
        version.Engine.ShouldBe("onnx");
        version.Features.ShouldBe(OnnxFeatures);
        version.Hyperparameters["onnx.output"].ShouldBe("probabilities");

        var evaluated = await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), version.Id, f.Compas, null));
        evaluated.Status.ShouldBe(JobRunStatus.Succeeded, evaluated.Error);
        var result = TrainingJson.ReadResult((await f.Training.GetEvaluationAsync(evaluated.Id)).Result).ShouldNotBeNull();
        result.Classification!.Auc!.Value.ShouldBeInRange(0.65, 0.8);
        result.Importance.ShouldBeEmpty();

        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, "cpu", reasons: 3)))
            .Message.ShouldContain("an ONNX model gives scores only");
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, "cuda")))
            .Message.ShouldContain("No running node has declared a GPU");
        var scored = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null));
        scored.Status.ShouldBe(JobRunStatus.Succeeded, scored.Error);
        scored.Summary!.ShouldContain("Scored 7,214 rows");

        // A fairness audit scores the data with the ONNX model like any other version's.
        var audit = await f.FinishAsync(await f.Host.Services.GetRequiredService<Core.Fairness.FairnessService>().StartAuditAsync(Actor.Cli(),
            new Core.Fairness.FairnessAuditRequest { ModelVersionId = version.Id, DatasetVersionId = f.Compas, Sensitive = ["race"] }));
        audit.Status.ShouldBe(JobRunStatus.Succeeded, audit.Error);
    }

    /// <summary>
    /// A version trained with ML.NET goes through the scheduler like any other: evaluated against an XGBoost champion, scored
    /// with its reasons, reproduced byte for byte; a retraining keeps the engine, a person's run without one takes XGBoost.
    /// </summary>
    [Fact]
    public async Task ShouldTrainWithAnMlNetEngine_AndWriteReasonsWhenScoring()
    {
        await f.CreateModelAsync("recid-mlnet");
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartRunAsync(Actor.Cli(),
                new TrainingRunRequest("recid-mlnet", f.Compas, new() { ["max_depth"] = "4" }) { Engine = "mlnet-logistic" })))
            .Message.ShouldContain("does not use the parameter 'max_depth'");
        var done = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-mlnet", f.Compas, null, 7) { Engine = "mlnet-logistic" }));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        var version = (await f.Training.GetVersionAsync(Guid.Parse(done.OutputEntityId!))).Version;
        version.Engine.ShouldBe("mlnet-logistic");
        (await f.QueryAsync(db => db.TrainingRuns.SingleAsync(r => r.Id == done.Id))).Engine.ShouldBe("mlnet-logistic");

        // A retraining schedule's run names no engine: it keeps the engine of the version it replaces (here the newest trained one).
        var scheduled = await f.FinishAsync(await f.Jobs.EnqueueAsync(Actor.Cli(), new JobRequest(TrainModelJob.Kind,
            new TrainingPayload("recid-mlnet") { DatasetVersionId = f.Compas, Seed = 8 }, "Retrain recid-mlnet")));
        scheduled.Status.ShouldBe(JobRunStatus.Succeeded, scheduled.Error);
        (await f.QueryAsync(db => db.TrainingRuns.SingleAsync(r => r.Id == scheduled.Id))).Engine.ShouldBe("mlnet-logistic");

        // Champion and challenger across engines: an XGBoost version in Production, the logistic regression evaluated against it.
        // A person's run that names no engine takes XGBoost, whatever the model's newest version is.
        var championRun = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-mlnet", f.Compas, TrainingFixture.FewRounds(), 9)));
        (await f.QueryAsync(db => db.TrainingRuns.SingleAsync(r => r.Id == championRun.Id))).Engine.ShouldBe("xgboost");
        var champion = (await f.Training.GetVersionAsync(Guid.Parse(championRun.OutputEntityId!))).Version;
        await f.QueryAsync(db => db.ModelVersions.Where(v => v.Id == champion.Id).ExecuteUpdateAsync(u => u.SetProperty(v => v.Stage, VersionStage.Production)));
        var evaluated = await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), version.Id, f.Compas, null));
        evaluated.Status.ShouldBe(JobRunStatus.Succeeded, evaluated.Error);
        var evaluation = await f.Training.GetEvaluationAsync(evaluated.Id);
        evaluation.ChampionVersionId.ShouldBe(champion.Id);
        TrainingJson.ReadResult(evaluation.ChampionResult).ShouldNotBeNull().Rows.ShouldBe(7214);
        TrainingJson.ReadResult(evaluation.Result)!.Importance.Count.ShouldBe(5);

        var scored = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, "auto", reasons: 2));
        scored.Status.ShouldBe(JobRunStatus.Succeeded, scored.Error);
        scored.Summary!.ShouldContain("With 2 reasons per row");
        var output = await f.QueryAsync(db => db.DatasetVersions.SingleAsync(v => v.Id == Guid.Parse(scored.OutputEntityId!)));
        await using (var file = f.Host.Services.GetRequiredService<Core.Artifacts.IArtifactStore>().OpenRead(output.Sha256))
        using (var reader = new StreamReader(file))
        {
            (await reader.ReadLineAsync()).ShouldBe("id,score,prediction,reason_1,contribution_1,reason_2,contribution_2");
            (await reader.ReadLineAsync())!.Split(',').Length.ShouldBe(7);
        }

        // Training it again from its recorded inputs gives the same package: "reproduce" says identical for ML.NET too.
        var reproduced = await f.FinishAsync(await f.Host.Services.GetRequiredService<Core.Monitoring.MonitoringService>().StartReproduceAsync(Actor.Cli(), version.Id));
        reproduced.Status.ShouldBe(JobRunStatus.Succeeded, reproduced.Error);
        reproduced.Summary!.ShouldStartWith("identical:");
    }

    /// <summary>The same model in XGBoost's UBJSON format (XGBoost loads it; the portal takes JSON only).</summary>
    private static byte[] UbjsonOf(byte[] json)
    {
        using var booster = XGBoostBooster.Load(json);
        return booster.SaveUbjson();
    }
}
