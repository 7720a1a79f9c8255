using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Evaluation;

namespace MlopsPortal.Testing;

/// <summary>
/// Writes a model version with the evidence promotion gates read, as the training, evaluation and fairness jobs write
/// them: an evaluation with the given AUC and recall 0.81 (beside the current champion's on the same rows) and a
/// fairness audit with the given verdict. Tests of the approval workflow start here instead of training for real.
/// </summary>
public static class ApprovalEvidence
{
    public static async Task<ModelVersion> AddVersionAsync(IServiceProvider services, Model model, double auc, string fairness, string trainedBy)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var number = await db.ModelVersions.CountAsync(v => v.ModelId == model.Id) + 1;
        var champion = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production);
        var version = new ModelVersion
        {
            Id = Guid.NewGuid(), ModelId = model.Id, Number = number, PackageSha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'),
            PackageSize = 1, Task = "binaryClassification", Features = ["a"], EngineVersion = "test", TrainedBy = trainedBy, CreatedAt = DateTime.UtcNow,
        };
        db.ModelVersions.Add(version);
        double? championAuc = champion is null ? null
            : TrainingJson.ReadResult((await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == champion.Id)
                .OrderByDescending(e => e.CreatedAt).FirstAsync()).Result)!.Classification!.Auc;
        db.ModelEvaluations.Add(new ModelEvaluation
        {
            Id = Guid.NewGuid(), ModelVersionId = version.Id, DatasetVersionId = Guid.NewGuid(), Rows = 1000, Threshold = 0.5,
            Result = Result(auc), ChampionVersionId = champion?.Id, ChampionResult = championAuc is { } c ? Result(c) : null,
            RequestedBy = "cli:test", CreatedAt = DateTime.UtcNow,
        });
        db.FairnessAudits.Add(new FairnessAuditRecord
        {
            Id = Guid.NewGuid(), ModelId = model.Id, ModelVersionId = version.Id, DatasetVersionId = Guid.NewGuid(), LabelColumn = model.LabelColumn,
            Sensitive = [.. model.SensitiveAttributes], Verdict = fairness, RequestedBy = "cli:test", CreatedAt = DateTime.UtcNow,
        });
        db.Audit("cli:test", "model-version.registered", "model-version", version.Id.ToString(), new { number });
        await db.SaveChangesAsync();
        return version;
    }

    private static string Result(double auc) => JsonSerializer.Serialize(new EvaluationResult("binaryClassification", 1000, 0.5,
        new ClassificationMetrics(auc, 0.8, 0.7, 0.81, 0.75, 0.5, 0.2, new ConfusionMatrix(405, 170, 330, 95), []), null, []), TrainingJson.Options);
}
