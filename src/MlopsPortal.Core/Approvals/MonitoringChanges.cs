using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Confidence bands and rollback rules (contracts §6): the business stakeholder owns the band, and proposes rollback
/// rules that the compliance officer signs. A band applies at once while no version is in Production; rules always
/// go through sign-off, because the signed request is the authority an automatic rollback acts under.
/// </summary>
public sealed partial class ApprovalService
{
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
    private static async Task ApplyMonitoringChangeAsync(PortalDbContext db, Actor actor, ApprovalRequest request, List<string> signers, CancellationToken ct)
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
