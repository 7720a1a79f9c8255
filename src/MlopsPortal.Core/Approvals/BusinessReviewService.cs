using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Approvals;

/// <summary>One acceptance criterion on the candidate and, measured on the same rows, on the version in Production.</summary>
public sealed record ReviewCriterion(CriterionResult Candidate, double? Production)
{
    /// <summary>The candidate is worse than Production on this criterion (even when it passes): the reviewer is warned.</summary>
    public bool WorseThanProduction => Candidate.Value is { } c && Production is { } p && (Metrics.HigherIsBetter(Candidate.Metric) ? c < p : c > p);
}

/// <summary>What a business stakeholder reads before deciding: the candidate against their criteria, beside Production.</summary>
public sealed record BusinessReview(
    Guid? EvaluationId, DateTime? EvaluatedAt, int Rows, int? ProductionVersion, bool OwnedOnly, IReadOnlyList<ReviewCriterion> Criteria)
{
    public bool Evaluated => EvaluationId is not null;
    /// <summary>The Production version the changes are counted from (null when none, or when the candidate is it).</summary>
    public int? ChangedSince { get; init; }
    /// <summary>What differs from the Production version: data and its size, features, hyperparameters, engine.</summary>
    public IReadOnlyList<ReviewChange> Changes { get; init; } = [];
    /// <summary>Fairness in a sentence with the groups named; null when the version has no fairness audit.</summary>
    public string? Fairness { get; init; }
    /// <summary>Everything a signer must read, as warnings: gate warnings, the fairness verdict, open findings.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Reads the newest evaluation of a request's version for the business review page.</summary>
public sealed class BusinessReviewService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<BusinessReview> ForAsync(ApprovalView view, CancellationToken ct = default)
    {
        var none = new BusinessReview(null, null, 0, null, false, []);
        if (view.Version is not { } version || view.Model is not { } model) return none;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var context = await ContextAsync(db, view, version, ct);
        var evaluation = await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == version.Id)
            .OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
        if (evaluation is null || TrainingJson.ReadResult(evaluation.Result) is not { } result) return context;
        var all = TrainingJson.Criteria(model, result);
        var owned = all.Where(c => c.OwningRole == Roles.BusinessStakeholder).ToList();
        var shown = owned.Count > 0 ? owned : all;
        int? championNumber = null;
        var production = TrainingJson.ReadResult(evaluation.ChampionResult);
        if (production is not null && evaluation.ChampionVersionId is { } cid)
            championNumber = await db.ModelVersions.Where(v => v.Id == cid).Select(v => (int?)v.Number).SingleOrDefaultAsync(ct);
        return context with
        {
            EvaluationId = evaluation.Id, EvaluatedAt = evaluation.CreatedAt, Rows = evaluation.Rows, ProductionVersion = championNumber, OwnedOnly = owned.Count > 0,
            Criteria = shown.Select(c => new ReviewCriterion(c, production is null ? null : TrainingJson.Value(production, c.Metric))).ToList(),
        };
    }

    /// <summary>What changed since the Production version, fairness in words, and the warnings — also before any evaluation.</summary>
    private static async Task<BusinessReview> ContextAsync(PortalDbContext db, ApprovalView view, ModelVersion version, CancellationToken ct)
    {
        var production = view.Champion is { } c && c.Id != version.Id ? c
            : await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == version.ModelId && v.Stage == VersionStage.Production && v.Id != version.Id, ct);
        IReadOnlyList<ReviewChange> changes = [];
        if (production is not null)
            changes = ReviewFacts.Changes(production, await DataAsync(db, production, ct), version, await DataAsync(db, version, ct));
        var audit = await db.FairnessAudits.AsNoTracking().Where(a => a.ModelVersionId == version.Id).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        var warnings = new List<string>();
        foreach (var g in view.Request.Gates.Where(g => !g.Passed))
            warnings.Add($"The {DisplayNames.Words(g.Gate).ToLowerInvariant()} gate failed: {g.Summary}");
        foreach (var g in view.Request.Gates.Where(g => g.Passed && g.Warning))
            warnings.Add($"{DisplayNames.Words(g.Gate)}: {g.Summary}");
        if (audit is null)
            warnings.Add("This version has no fairness audit yet.");
        else if (audit.Verdict is "warn" or "fail" && !view.Request.Gates.Any(g => g.Gate == "fairness" && (g.Warning || !g.Passed)))
            warnings.Add($"The fairness audit's verdict is {DisplayNames.Of(audit.Verdict).ToLowerInvariant()}: read the fairness sentence below.");
        var open = await db.DriftAlerts.AsNoTracking().Where(a => a.ModelVersionId == version.Id && (a.Status == Drift.AlertStatus.Open || a.Status == Drift.AlertStatus.Acknowledged))
            .ToListAsync(ct);
        warnings.AddRange(open.Select(a => $"An open {a.Severity.ToString().ToLowerInvariant()} drift alert on this version: {a.Summary}"));
        return new BusinessReview(null, null, 0, null, false, [])
        {
            ChangedSince = production?.Number, Changes = changes, Fairness = ReviewFacts.Fairness(audit), Warnings = warnings,
        };
    }

    private static async Task<ReviewData?> DataAsync(PortalDbContext db, ModelVersion version, CancellationToken ct)
    {
        var id = version.TrainingDatasetVersionId
                 ?? (version.TrainingRunId is { } run ? await db.TrainingRuns.AsNoTracking().Where(r => r.Id == run).Select(r => (Guid?)r.DatasetVersionId).SingleOrDefaultAsync(ct) : null);
        if (id is null) return null;
        return await db.DatasetVersions.AsNoTracking().Where(v => v.Id == id).Join(db.Datasets, v => v.DatasetId, d => d.Id, (v, d) => new ReviewData(d.Name, v.Version, v.RowCount))
            .SingleOrDefaultAsync(ct);
    }
}
