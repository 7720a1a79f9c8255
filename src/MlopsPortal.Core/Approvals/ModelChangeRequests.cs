using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Changes to what a model promises once it is in Production — its acceptance criteria, confidence band and rollback
/// rules — proposed as requests that the policy of the change's kind decides, and applied when the last sign-off lands.
/// </summary>
public sealed class ModelChangeRequests(IDbContextFactory<PortalDbContext> dbFactory, ModelService models)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Changes a model's acceptance criteria: at once when no version is in Production, else through a request
    /// that the criteria-change policy of the model's tier decides (contracts §6). Returns the request, or null
    /// when the change applied directly.
    /// </summary>
    public async Task<ApprovalRequest?> ProposeCriteriaAsync(Actor actor, string slug, IReadOnlyList<AcceptanceCriterion> criteria, string? justification, CancellationToken ct = default)
    {
        actor.Require(ModelService.CriteriaRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
                    ?? throw new PortalNotFoundException($"No model '{slug}'.");
        var production = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        if (production is null)
        {
            await models.SetAcceptanceCriteriaAsync(actor, slug, criteria, ct);
            return null;
        }
        var validated = ModelService.ValidateCriteria(criteria, model.Task);
        var request = await CreateModelChangeAsync(db, actor, model, ApprovalKinds.CriteriaChange, $"Change the acceptance criteria of {model.Slug}",
            new CriteriaPayload(model.AcceptanceCriteria, validated), justification, "criteria-change-requested", ct);
        await db.SaveChangesAsync(ct);
        return request;
    }

    /// <summary>
    /// Writes a request that changes a model's settings (criteria, band, rollback rules) into the context, unsaved: one
    /// open request of a kind per model, the kind's current policy, the audit event with before and after, the lineage
    /// edge and the announcements.
    /// </summary>
    private static async Task<ApprovalRequest> CreateModelChangeAsync<T>(PortalDbContext db, Actor actor, Model model, string kind, string summary,
        T payload, string? justification, string edge, CancellationToken ct)
    {
        var why = InputLimits.Required(justification, "justification", InputLimits.Prose);
        if (await db.ApprovalRequests.AnyAsync(r => r.Status == ApprovalStatus.Open && r.Kind == kind && r.ModelId == model.Id, ct))
            throw new PortalValidationException($"A proposed {ApprovalKinds.Display(kind).ToLowerInvariant()} of '{model.Slug}' is already waiting for sign-off.");
        var policy = await ApprovalPolicies.CurrentPolicyAsync(db, kind, model.RiskTier, ct);
        if (policy.ProductionSignOffs.Count == 0)
            throw new PortalValidationException($"The {model.RiskTier} tier's {ApprovalKinds.Display(kind).ToLowerInvariant()} policy names no sign-offs: a compliance officer must complete it first.");
        var now = AuditChain.Now();
        var request = new ApprovalRequest
        {
            Id = Guid.NewGuid().ToString(), Kind = kind, SubjectType = EntityKinds.Model, SubjectId = model.Id.ToString(),
            ModelId = model.Id, Justification = why, Summary = summary, Payload = JsonSerializer.Serialize(payload, Json),
            RequestedBy = actor.AuditName, RequestedByUserId = actor.UserId, RequestedAt = now, ExpiresAt = now.AddDays(policy.ExpiryDays),
            Status = ApprovalStatus.Open, PolicyId = policy.Id, Required = [.. policy.ProductionSignOffs], Gates = [], GatesPassed = true,
        };
        db.ApprovalRequests.Add(request);
        db.Audit(actor.AuditName, "approval.requested", EntityKinds.ApprovalRequest, request.Id, new
        {
            kind, model = model.Slug, justification = why, change = payload,
            policy = new { policy.Kind, tier = policy.RiskTier.ToString(), policy.Version }, required = request.Required,
            expiresAt = AuditChain.FormatTime(request.ExpiresAt),
        });
        db.AddLineage(EntityKinds.Model, model.Id.ToString(), EntityKinds.ApprovalRequest, request.Id, edge);
        await RequestSteps.AnnounceAsync(db, request, null, ct);
        return request;
    }

    /// <summary>The criteria before and after a proposed change (a criteria-change request's payload).</summary>
    public sealed record CriteriaPayload(List<AcceptanceCriterion> Before, List<AcceptanceCriterion> After);

    public static CriteriaPayload? ReadCriteriaPayload(ApprovalRequest r) =>
        r.Kind == ApprovalKinds.CriteriaChange ? JsonSerializer.Deserialize<CriteriaPayload>(r.Payload, Json) : null;

    public static readonly string[] BandRoles = [Roles.BusinessStakeholder];
    public static readonly string[] RuleRoles = [Roles.BusinessStakeholder, Roles.ComplianceOfficer];
    public const int MaxRules = 10;

    public sealed record BandPayload(ConfidenceBand? Before, ConfidenceBand After);
    public sealed record RulesPayload(List<RollbackRule> Before, List<RollbackRule> After);

    public static BandPayload? ReadBandPayload(ApprovalRequest r) =>
        r.Kind == ApprovalKinds.ConfidenceBand ? JsonSerializer.Deserialize<BandPayload>(r.Payload, Json) : null;

    public static RulesPayload? ReadRulesPayload(ApprovalRequest r) =>
        r.Kind == ApprovalKinds.RollbackRules ? JsonSerializer.Deserialize<RulesPayload>(r.Payload, Json) : null;

    /// <summary>Proposes a model's confidence band; returns the request, or null when it applied at once (no Production version).</summary>
    public async Task<ApprovalRequest?> ProposeBandAsync(Actor actor, string slug, ConfidenceBand band, string? justification, CancellationToken ct = default)
    {
        actor.Require(BandRoles);
        if (!double.IsFinite(band.Low) || !double.IsFinite(band.High) || band.Low < 0 || band.High > 1 || band.Low >= band.High)
            throw new PortalValidationException($"A confidence band is two scores with 0 ≤ low < high ≤ 1; {band.Low} to {band.High} is not.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var model = await FindModelAsync(db, slug, ct);
        if (model.Task != ModelTask.BinaryClassification)
            throw new PortalValidationException($"'{slug}' is a regression model: a confidence band bounds probabilities, so it applies to classifiers only.");
        ApprovalRequest? request = null;
        if (await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct))
            request = await CreateModelChangeAsync(db, actor, model, ApprovalKinds.ConfidenceBand, $"Set the confidence band of {model.Slug} to {band}",
                new BandPayload(model.ConfidenceBand, band), justification, "confidence-band-requested", ct);
        else
            SetBand(db, actor.AuditName, model, band, null, []);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>Proposes a model's rollback rules (an empty list proposes removing them); they take effect when signed.</summary>
    public async Task<ApprovalRequest> ProposeRollbackRulesAsync(Actor actor, string slug, IReadOnlyList<RollbackRule> rules, string? justification, CancellationToken ct = default)
    {
        actor.Require(RuleRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindModelAsync(db, slug, ct);
        var validated = ValidateRules(rules, model.Task);
        var request = await CreateModelChangeAsync(db, actor, model, ApprovalKinds.RollbackRules,
            validated.Count == 0 ? $"Remove the rollback rules of {model.Slug}" : $"Set {validated.Count} rollback rule{(validated.Count == 1 ? "" : "s")} on {model.Slug}",
            new RulesPayload(model.RollbackRules, validated), justification, "rollback-rules-requested", ct);
        await db.SaveChangesAsync(ct);
        return request;
    }

    public static List<RollbackRule> ValidateRules(IReadOnlyList<RollbackRule>? rules, ModelTask task)
    {
        rules ??= [];
        if (rules.Count > MaxRules)
            throw new PortalValidationException($"At most {MaxRules} rollback rules per model.");
        var metrics = Metrics.For(task).Append(RollbackRule.Fairness).Append(RollbackRule.BandShare).ToList();
        var list = new List<RollbackRule>();
        foreach (var (r, i) in rules.Select((r, i) => (r, i + 1)))
        {
            var metric = (r.Metric ?? "").Trim();
            var match = metrics.FirstOrDefault(m => m.Equals(metric, StringComparison.OrdinalIgnoreCase))
                        ?? throw new PortalValidationException($"Rule {i}: '{metric}' is not a metric a rule can watch; use one of {string.Join(", ", metrics)}.");
            if (task == ModelTask.Regression && match is RollbackRule.BandShare)
                throw new PortalValidationException($"Rule {i}: a confidence band applies to classifiers only.");
            var comparator = match == RollbackRule.Fairness ? "=" : (r.Comparator ?? "").Trim();
            if (match != RollbackRule.Fairness && !Metrics.Comparators.Contains(comparator))
                throw new PortalValidationException($"Rule {i}: the comparator '{comparator}' is not one of {string.Join(" ", Metrics.Comparators)}.");
            if (!double.IsFinite(r.Threshold) || (match == RollbackRule.BandShare && r.Threshold is < 0 or > 1))
                throw new PortalValidationException($"Rule {i}: the threshold {r.Threshold} is not a number the metric can take.");
            if (r.MinLabelledRows is < 1 or > 100_000_000)
                throw new PortalValidationException($"Rule {i}: the minimum of labelled rows must be between 1 and 100,000,000.");
            list.Add(new RollbackRule(match, comparator, match == RollbackRule.Fairness ? 0 : r.Threshold, r.MinLabelledRows));
        }
        if (list.Distinct().Count() != list.Count)
            throw new PortalValidationException("Two rules are the same; remove one.");
        return list;
    }

    private static async Task<Model> FindModelAsync(PortalDbContext db, string slug, CancellationToken ct) =>
        await db.Models.SingleOrDefaultAsync(m => m.Slug == slug, ct) ?? throw new PortalNotFoundException($"No model '{slug}'.");

    private static void SetBand(PortalDbContext db, string actor, Model model, ConfidenceBand band, string? requestId, List<string> signers)
    {
        var before = model.ConfidenceBand;
        model.ConfidenceBand = band;
        model.UpdatedAt = AuditChain.Now();
        model.UpdatedBy = actor;
        db.Audit(actor, "model.confidence-band-changed", EntityKinds.Model, model.Id.ToString(), new
        {
            slug = model.Slug, before, after = band, approvalRequest = requestId, signedBy = signers,
        });
    }

    /// <summary>In the last sign-off's transaction: the approved band or rules replace the model's.</summary>
    internal static async Task ApplyMonitoringChangeAsync(PortalDbContext db, Actor actor, ApprovalRequest request, List<string> signers, CancellationToken ct)
    {
        var model = await db.Models.SingleAsync(m => m.Id == request.ModelId, ct);
        if (ReadBandPayload(request) is { } band)
        {
            SetBand(db, actor.AuditName, model, band.After, request.Id, signers);
            return;
        }
        var rules = ReadRulesPayload(request)!;
        model.RollbackRules = rules.After;
        model.RollbackRulesRequestId = rules.After.Count == 0 ? null : request.Id;
        model.UpdatedAt = AuditChain.Now();
        model.UpdatedBy = request.RequestedBy;
        db.Audit(actor.AuditName, "model.rollback-rules-changed", EntityKinds.Model, model.Id.ToString(), new
        {
            slug = model.Slug, approvalRequest = request.Id, before = rules.Before, after = rules.After, signedBy = signers,
        });
        var owners = await Outbox.UsersNamedAsync(db, model.Owners, ct);
        await Outbox.NotifyAsync(db, owners, "rollback-rules-changed", $"Rollback rules of {model.Slug} are in force",
            rules.After.Count == 0 ? "The rollback rules were removed." : string.Join("; ", rules.After.Select(r => r.Describe())) + ".", $"/models/{model.Slug}/live", ct);
    }
}
