using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Lineage;

public sealed record ProvenanceScoring(Guid JobId, string Status, DateTime? FinishedAt, string? Node, string? Summary, Guid InputDatasetVersionId, string InputName, string InputSha256);

public sealed record ProvenanceVersion(Guid Id, string Model, int Number, string PackageSha256, string Stage, string TrainedBy, bool ExternallyTrained, string? Source);

public sealed record ProvenanceTraining(Guid RunId, string Engine, IReadOnlyDictionary<string, string> Hyperparameters, int Seed, string? CodeVersion,
    string Trigger, string? Reason, string RequestedBy, string Node, DateTime StartedAt);

public sealed record ProvenanceData(Guid Id, string Name, long Rows, string Sha256, string Relation);

public sealed record ProvenanceSignOff(string UserName, string Role, bool Approved, string Comment, DateTime SignedAt, string? OnBehalfOf);

public sealed record ProvenanceApproval(string RequestId, string Kind, string From, string To, DateTime ChangedAt, string RequestedBy, IReadOnlyList<ProvenanceSignOff> SignOffs,
    string? GateOverrideBy);

/// <summary>
/// The regulator's question about a prediction, answered from lineage: the scoring job that produced it, the
/// version it used, that version's training run (engine, hyperparameters, seed, code version), the training
/// data's content hashes, and the people who approved each stage the version reached. <see cref="Chain"/> holds
/// the lineage node ids along the way, for the graph to highlight.
/// </summary>
public sealed record Provenance(string Subject, ProvenanceScoring? Scoring, ProvenanceVersion Version, ProvenanceTraining? Training,
    IReadOnlyList<ProvenanceData> TrainingData, IReadOnlyList<ProvenanceApproval> Approvals, IReadOnlyList<string> Chain);

public static class ProvenanceQuery
{
    /// <summary>Kinds whose provenance the portal can explain: a scoring output (or its job) and a model version.</summary>
    public static readonly IReadOnlyList<string> Kinds = [EntityKinds.DatasetVersion, EntityKinds.ScoringJob, EntityKinds.ModelVersion];

    public static async Task<Provenance> ExplainAsync(PortalDbContext db, string kind, string id, CancellationToken ct)
    {
        if (!Kinds.Contains(kind))
            throw new PortalValidationException($"Provenance starts from a scoring output (dataset-version), a scoring-job or a model-version, not a {kind}.");
        if (!Guid.TryParse(id, out var guid)) throw new PortalNotFoundException($"No {kind.Replace('-', ' ')} '{id}'.");
        var chain = new List<string>();
        Guid? jobId = null;
        if (kind == EntityKinds.DatasetVersion)
        {
            if (!await db.DatasetVersions.AnyAsync(v => v.Id == guid, ct)) throw new PortalNotFoundException($"No dataset version '{id}'.");
            chain.Add($"{EntityKinds.DatasetVersion}:{guid}");
            var producer = await db.LineageEdges.Where(e => e.ToId == id && e.ToKind == EntityKinds.DatasetVersion && e.FromKind == EntityKinds.ScoringJob)
                .OrderBy(e => e.Id).Select(e => e.FromId).FirstOrDefaultAsync(ct)
                ?? throw new PortalValidationException("This dataset version is not the output of a scoring job, so no model made its predictions.");
            jobId = Guid.Parse(producer);
        }
        else if (kind == EntityKinds.ScoringJob) jobId = guid;

        ProvenanceScoring? scoring = null;
        Guid versionId;
        if (jobId is { } j)
        {
            var job = await db.JobRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == j && r.Kind == ScoreBatchJob.Kind, ct)
                      ?? throw new PortalNotFoundException($"No scoring job '{j}'.");
            chain.Add($"{EntityKinds.ScoringJob}:{j}");
            var inputs = await db.LineageEdges.Where(e => e.ToId == j.ToString() && e.ToKind == EntityKinds.ScoringJob).ToListAsync(ct);
            var byVersion = inputs.FirstOrDefault(e => e.FromKind == EntityKinds.ModelVersion);
            var byData = inputs.FirstOrDefault(e => e.FromKind == EntityKinds.DatasetVersion);
            // A job that has not finished has no edges yet: its payload names the same inputs.
            var payload = byVersion is null || byData is null ? JobPayload.Read<Training.ScoringPayload>(job.Payload, job.PayloadVersion) : null;
            versionId = byVersion is not null ? Guid.Parse(byVersion.FromId) : payload!.ModelVersionId;
            var inputId = byData is not null ? Guid.Parse(byData.FromId) : payload!.DatasetVersionId;
            var input = await db.DatasetVersions.Where(v => v.Id == inputId).Join(db.Datasets, v => v.DatasetId, d => d.Id, (v, d) => new { d.Name, v.Version, v.Sha256 })
                .SingleOrDefaultAsync(ct);
            scoring = new ProvenanceScoring(j, job.Status.ToString(), job.FinishedAt, job.NodeId, job.Summary, inputId,
                input is null ? "(deleted)" : $"{input.Name} v{input.Version}", input?.Sha256 ?? "");
        }
        else versionId = guid;

        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No model version '{versionId}'.");
        var slug = await db.Models.Where(m => m.Id == version.ModelId).Select(m => m.Slug).SingleAsync(ct);
        chain.Add($"{EntityKinds.ModelVersion}:{version.Id}");

        ProvenanceTraining? training = null;
        var dataEdges = new List<(Guid Id, string Relation)>();
        if (version.TrainingRunId is { } runId && await db.TrainingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct) is { } run)
        {
            chain.Add($"{EntityKinds.TrainingRun}:{run.Id}");
            training = new ProvenanceTraining(run.Id, $"{Engine.Models.ModelEngines.DisplayName(run.Engine)} {run.EngineVersion}", version.Hyperparameters, run.Seed, run.CodeVersion, run.Trigger, run.Reason,
                run.RequestedBy, run.NodeId, run.StartedAt);
            dataEdges.AddRange((await db.LineageEdges.Where(e => e.ToId == run.Id.ToString() && e.ToKind == EntityKinds.TrainingRun && e.FromKind == EntityKinds.DatasetVersion)
                .ToListAsync(ct)).Select(e => (Guid.Parse(e.FromId), e.Relation)));
        }
        // Versions from before runs had input edges, and versions trained elsewhere, name their data directly.
        dataEdges.AddRange((await db.LineageEdges.Where(e => e.ToId == version.Id.ToString() && e.ToKind == EntityKinds.ModelVersion && e.FromKind == EntityKinds.DatasetVersion)
            .ToListAsync(ct)).Select(e => (Guid.Parse(e.FromId), e.Relation)));
        if (dataEdges.Count == 0 && version.TrainingDatasetVersionId is { } declared) dataEdges.Add((declared, "trained-on"));
        var data = new List<ProvenanceData>();
        foreach (var (dataId, relation) in dataEdges.DistinctBy(d => d.Id))
        {
            var d = await db.DatasetVersions.Where(v => v.Id == dataId).Join(db.Datasets, v => v.DatasetId, s => s.Id, (v, s) => new { s.Name, v.Version, v.RowCount, v.Sha256 })
                .SingleOrDefaultAsync(ct);
            if (d is null) continue;
            data.Add(new ProvenanceData(dataId, $"{d.Name} v{d.Version}", d.RowCount, d.Sha256, relation));
            chain.Add($"{EntityKinds.DatasetVersion}:{dataId}");
        }

        var approvals = new List<ProvenanceApproval>();
        var changes = await db.StageChanges.AsNoTracking().Where(c => c.ModelVersionId == version.Id && c.RequestId != null).OrderBy(c => c.ChangedAt).ToListAsync(ct);
        foreach (var change in changes)
        {
            var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == change.RequestId, ct);
            if (request is null) continue;
            var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == request.Id).OrderBy(s => s.SignedAt)
                .Select(s => new ProvenanceSignOff(s.UserName, s.Role, s.Approved, s.Comment, s.SignedAt, s.OnBehalfOfUserName)).ToListAsync(ct);
            approvals.Add(new ProvenanceApproval(request.Id, request.Kind, change.From.ToString(), change.To.ToString(), change.ChangedAt, request.RequestedBy, signOffs,
                request.GateOverrideBy));
            chain.Add($"{EntityKinds.ApprovalRequest}:{request.Id}");
            chain.Add($"{EntityKinds.StageChange}:{change.Id}");
        }

        return new Provenance($"{kind}:{id}", scoring,
            new ProvenanceVersion(version.Id, slug, version.Number, version.PackageSha256, version.Stage.ToString(), version.TrainedBy, version.ExternallyTrained, version.Source),
            training, data, approvals, chain.Distinct().ToList());
    }
}
