using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Lineage;

/// <summary>One reason of a prediction: the feature, its contribution (in the model's margin) and the signed text for it, if any.</summary>
public sealed record PredictionReason(string Feature, double Contribution, string? Text);

/// <summary>One scored row: its key, score, prediction, and its reasons when the scoring job wrote them (<see cref="HasReasons"/>).</summary>
public sealed record Prediction(string Key, string Score, string? PredictedLabel, bool HasReasons, IReadOnlyList<PredictionReason> Reasons,
    string? ReasonTextsSignedBy, DateTime? ReasonTextsSignedAt);

/// <summary>
/// A single prediction of a scoring output, found by its key (the model's key columns, joined by ", " when there are
/// several), with its reason codes in the words a compliance officer signed for the model.
/// </summary>
public sealed class PredictionReasons(IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store)
{
    /// <summary>The key columns of the version's model, for the page to say what a key is.</summary>
    public async Task<IReadOnlyList<string>> KeyColumnsAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ModelVersions.Where(v => v.Id == versionId).Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => m.KeyColumns).SingleOrDefaultAsync(ct) ?? [];
    }

    public async Task<Prediction> FindAsync(Guid outputDatasetVersionId, string key, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new PortalValidationException("Give the key of the row to explain.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var output = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == outputDatasetVersionId, ct)
                     ?? throw new PortalNotFoundException($"No dataset version '{outputDatasetVersionId}'.");
        var id = outputDatasetVersionId.ToString();
        var job = await db.LineageEdges.Where(e => e.ToId == id && e.ToKind == EntityKinds.DatasetVersion && e.FromKind == EntityKinds.ScoringJob)
                      .Select(e => e.FromId).FirstOrDefaultAsync(ct)
                  ?? throw new PortalValidationException("This dataset version is not the output of a scoring job, so no model made its predictions.");
        var versionId = await db.LineageEdges.Where(e => e.ToId == job && e.ToKind == EntityKinds.ScoringJob && e.FromKind == EntityKinds.ModelVersion)
            .Select(e => e.FromId).FirstAsync(ct);
        var model = await db.ModelVersions.Where(v => v.Id == Guid.Parse(versionId)).Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => m).AsNoTracking().SingleAsync(ct);
        var texts = model.ReasonTexts.ToDictionary(t => t.Feature, t => t.Text);

        await using var file = store.OpenRead(output.Sha256);
        using var reader = new CsvReader(file, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var header = reader.Header.ToList();
        var keys = model.KeyColumns.Select(k => header.IndexOf(k)).ToArray();
        if (keys.Length == 0 || keys.Any(i => i < 0))
            throw new PortalValidationException($"The scores do not hold the key columns of '{model.Slug}' ({string.Join(", ", model.KeyColumns)}).");
        var score = header.IndexOf("score");
        var prediction = header.IndexOf("prediction");
        var reasons = Enumerable.Range(1, 20).Select(i => (Feature: header.IndexOf($"reason_{i}"), Contribution: header.IndexOf($"contribution_{i}")))
            .TakeWhile(r => r.Feature >= 0 && r.Contribution >= 0).ToList();
        var wanted = key.Trim();
        while (reader.Read())
        {
            if (string.Join(", ", keys.Select(reader.FieldString)) != wanted) continue;
            var found = reasons.Select(r => (Feature: reader.FieldString(r.Feature), Contribution: reader.FieldString(r.Contribution)))
                .Where(r => r.Feature.Length > 0)
                .Select(r => new PredictionReason(r.Feature, double.Parse(r.Contribution, CultureInfo.InvariantCulture), texts.GetValueOrDefault(r.Feature)))
                .ToList();
            return new Prediction(wanted, reader.FieldString(score), prediction >= 0 ? reader.FieldString(prediction) : null, reasons.Count > 0, found,
                model.ReasonTextsSignedBy, model.ReasonTextsSignedAt);
        }
        throw new PortalNotFoundException($"No row of these scores has the key '{wanted}' ({string.Join(", ", model.KeyColumns)}).");
    }
}
