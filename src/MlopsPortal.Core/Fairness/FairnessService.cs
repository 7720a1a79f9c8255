using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Core.Fairness;

/// <summary>What to audit: a model version's predictions (ModelVersionId) or the data's own prediction column.</summary>
public sealed record FairnessAuditRequest
{
    public Guid? ModelVersionId { get; init; }
    public Guid DatasetVersionId { get; init; }
    /// <summary>Default: the model's sensitive attributes.</summary>
    public List<string>? Sensitive { get; init; }
    public bool Intersectional { get; init; }
    public int? Bootstrap { get; init; }
    public int? Seed { get; init; }
    /// <summary>Scores at or above it are positive predictions (default: the model's decision threshold).</summary>
    public double? Threshold { get; init; }
    /// <summary>Without a model version: the label and prediction columns, and the value that counts as positive.</summary>
    public string? LabelColumn { get; init; }
    public string? PredictionColumn { get; init; }
    public string? PositiveLabel { get; init; }
}

public sealed record FairnessAuditPayload(FairnessAuditRequest Request) : JobPayload;

/// <summary>The thresholds a compliance officer edits, per risk tier.</summary>
public sealed record FairnessPolicyValues(double DisparateImpactFail, double DisparateImpactWarn, double DifferenceFail, double DifferenceWarn, int MinGroupSize);

/// <summary>Fairness audits (queued as jobs) and the per-tier fairness policy.</summary>
public sealed class FairnessService(IDbContextFactory<PortalDbContext> dbFactory, JobService jobs)
{
    public static readonly string[] AuditRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.ComplianceOfficer, Roles.Administrator];
    public static readonly string[] PolicyRoles = [Roles.ComplianceOfficer];
    public const int DefaultBootstrap = 1000;

    public async Task<JobRun> StartAuditAsync(Actor actor, FairnessAuditRequest request, CancellationToken ct = default)
    {
        actor.Require(AuditRoles);
        InputLimits.List(request.Sensitive, "The sensitive columns", InputLimits.ListItems, InputLimits.ColumnName);
        InputLimits.Text(request.LabelColumn, "The label column", InputLimits.ColumnName);
        InputLimits.Text(request.PredictionColumn, "The prediction column", InputLimits.ColumnName);
        if (request.Bootstrap is < 0 or > 10_000)
            throw new PortalValidationException("Bootstrap resamples are between 0 and 10,000.");
        if (request.Threshold is < 0 or > 1 or double.NaN)
            throw new PortalValidationException($"The threshold {request.Threshold} must be between 0 and 1.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schema = await TrainingService.SchemaAsync(db, request.DatasetVersionId, ct);
        string subject;
        var sensitive = request.Sensitive ?? [];
        if (request.ModelVersionId is { } versionId)
        {
            var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                          ?? throw new PortalNotFoundException($"No model version {versionId}.");
            var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
            if (model.Task != ModelTask.BinaryClassification)
                throw new PortalValidationException($"'{model.Slug}' is a regression model: fairness audits compare the decisions of classifiers.");
            if (sensitive.Count == 0) sensitive = model.SensitiveAttributes;
            TrainingService.CheckContract(model, schema);
            Require(schema, version.Features.Append(model.LabelColumn), $"version {version.Number} of '{model.Slug}'");
            subject = $"{model.Slug} v{version.Number}";
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.LabelColumn) || string.IsNullOrWhiteSpace(request.PredictionColumn))
                throw new PortalValidationException("Name a model version, or the label and prediction columns of the data.");
            Require(schema, [request.LabelColumn, request.PredictionColumn], "the audit");
            subject = "the data's predictions";
        }
        if (sensitive.Count == 0)
            throw new PortalValidationException("Name at least one sensitive attribute (the model lists none).");
        Require(schema, sensitive, "the audit");
        return await jobs.EnqueueAsync(actor, new JobRequest(AuditFairnessJob.Kind,
            new FairnessAuditPayload(request with { Sensitive = sensitive, Bootstrap = request.Bootstrap ?? DefaultBootstrap, Seed = request.Seed ?? 0 }),
            $"Fairness audit of {subject} over {string.Join(", ", sensitive)}"), ct);
    }

    private static void Require(IReadOnlyList<Datasets.SchemaColumn> schema, IEnumerable<string> columns, string who)
    {
        var missing = columns.Distinct().Where(c => schema.All(s => s.Name != c)).ToList();
        if (missing.Count > 0)
            throw new PortalValidationException($"The dataset version has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}, which {who} needs.");
    }

    public async Task<IReadOnlyList<FairnessPolicy>> PoliciesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.FairnessPolicies.AsNoTracking().ToDictionaryAsync(p => p.RiskTier, ct);
        return Enum.GetValues<RiskTier>().Select(t => stored.GetValueOrDefault(t) ?? FairnessPolicy.Default(t)).ToList();
    }

    internal static async Task<FairnessPolicy> PolicyAsync(PortalDbContext db, RiskTier tier, CancellationToken ct) =>
        await db.FairnessPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.RiskTier == tier, ct) ?? FairnessPolicy.Default(tier);

    public async Task<FairnessPolicy> SetPolicyAsync(Actor actor, RiskTier tier, FairnessPolicyValues values, CancellationToken ct = default)
    {
        actor.Require(PolicyRoles);
        InputLimits.Finite(values.DisparateImpactFail, "disparateImpactFail");
        InputLimits.Finite(values.DisparateImpactWarn, "disparateImpactWarn");
        InputLimits.Finite(values.DifferenceFail, "differenceFail");
        InputLimits.Finite(values.DifferenceWarn, "differenceWarn");
        var problems = new List<string>();
        if (values.DisparateImpactFail is <= 0 or > 1 || values.DisparateImpactWarn is <= 0 or > 1)
            problems.Add("Disparate impact thresholds are ratios between 0 and 1.");
        else if (values.DisparateImpactWarn < values.DisparateImpactFail)
            problems.Add("The disparate impact warning line must be at or above the failing line.");
        if (values.DifferenceFail is < 0 or > 1 || values.DifferenceWarn is < 0 or > 1)
            problems.Add("Difference thresholds are between 0 and 1.");
        else if (values.DifferenceWarn > values.DifferenceFail)
            problems.Add("The difference warning line must be at or below the failing line.");
        if (values.MinGroupSize is < 1 or > 1_000_000)
            problems.Add("The smallest group size is between 1 and 1,000,000 rows.");
        if (problems.Count > 0)
            throw new PortalValidationException(string.Join(" ", problems));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await db.FairnessPolicies.SingleOrDefaultAsync(p => p.RiskTier == tier, ct);
        var before = policy ?? FairnessPolicy.Default(tier);
        var previous = new { before.DisparateImpactFail, before.DisparateImpactWarn, before.DifferenceFail, before.DifferenceWarn, before.MinGroupSize };
        policy ??= db.FairnessPolicies.Add(new FairnessPolicy { RiskTier = tier }).Entity;
        policy.DisparateImpactFail = values.DisparateImpactFail;
        policy.DisparateImpactWarn = values.DisparateImpactWarn;
        policy.DifferenceFail = values.DifferenceFail;
        policy.DifferenceWarn = values.DifferenceWarn;
        policy.MinGroupSize = values.MinGroupSize;
        policy.UpdatedBy = actor.AuditName;
        policy.UpdatedAt = DateTime.UtcNow;
        db.Audit(actor.AuditName, "fairness-policy.updated", "fairness-policy", tier.ToString(), new { tier = tier.ToString(), previous, values });
        await db.SaveChangesAsync(ct);
        return policy;
    }

    public async Task<FairnessAuditRecord> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FairnessAudits.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
               ?? throw new PortalNotFoundException($"No fairness audit {id}.");
    }

    public async Task<IReadOnlyList<FairnessAuditRecord>> ForVersionAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FairnessAudits.AsNoTracking().Where(a => a.ModelVersionId == versionId).OrderByDescending(a => a.CreatedAt).ToListAsync(ct);
    }

    /// <summary>
    /// The newest audit of the model's previous version (by number) on the same dataset version, for a like-for-like
    /// comparison; null when there is none.
    /// </summary>
    public async Task<(FairnessAuditRecord Audit, int Version)?> PreviousVersionAuditAsync(FairnessAuditRecord audit, CancellationToken ct = default)
    {
        if (audit.ModelVersionId is not { } versionId) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var number = await db.ModelVersions.Where(v => v.Id == versionId).Select(v => v.Number).SingleAsync(ct);
        var previous = await (from a in db.FairnessAudits.AsNoTracking()
                              join v in db.ModelVersions on a.ModelVersionId equals v.Id
                              where v.ModelId == audit.ModelId && v.Number < number && a.DatasetVersionId == audit.DatasetVersionId
                              orderby v.Number descending, a.CreatedAt descending
                              select new { a, v.Number }).FirstOrDefaultAsync(ct);
        return previous is null ? null : (previous.a, previous.Number);
    }

    public static FairnessReport? Read(string json) => JsonSerializer.Deserialize<FairnessReport>(json, TrainingJson.Options);
}
