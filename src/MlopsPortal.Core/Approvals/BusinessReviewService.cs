using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
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
}

/// <summary>Reads the newest evaluation of a request's version for the business review page.</summary>
public sealed class BusinessReviewService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<BusinessReview> ForAsync(ApprovalView view, CancellationToken ct = default)
    {
        var none = new BusinessReview(null, null, 0, null, false, []);
        if (view.Version is not { } version || view.Model is not { } model) return none;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var evaluation = await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == version.Id)
            .OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
        if (evaluation is null || TrainingJson.ReadResult(evaluation.Result) is not { } result) return none;
        var all = TrainingJson.Criteria(model, result);
        var owned = all.Where(c => c.OwningRole == Roles.BusinessStakeholder).ToList();
        var shown = owned.Count > 0 ? owned : all;
        int? championNumber = null;
        var production = TrainingJson.ReadResult(evaluation.ChampionResult);
        if (production is not null && evaluation.ChampionVersionId is { } cid)
            championNumber = await db.ModelVersions.Where(v => v.Id == cid).Select(v => (int?)v.Number).SingleOrDefaultAsync(ct);
        return new BusinessReview(evaluation.Id, evaluation.CreatedAt, evaluation.Rows, championNumber, owned.Count > 0,
            shown.Select(c => new ReviewCriterion(c, production is null ? null : TrainingJson.Value(production, c.Metric))).ToList());
    }
}
