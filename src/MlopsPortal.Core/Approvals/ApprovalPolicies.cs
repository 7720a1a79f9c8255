using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// The approval policies: which sign-offs each kind of request needs per risk tier, versioned; compliance officers edit them.
/// </summary>
public sealed class ApprovalPolicies(IDbContextFactory<PortalDbContext> dbFactory)
{
    public static readonly string[] PolicyRoles = [Roles.ComplianceOfficer];
    /// <summary>The current version of every policy, by kind and tier.</summary>
    public async Task<IReadOnlyList<ApprovalPolicy>> PoliciesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.ApprovalPolicies.AsNoTracking().ToListAsync(ct);
        return all.GroupBy(p => (p.Kind, p.RiskTier)).Select(g => g.MaxBy(p => p.Version)!)
            .OrderBy(p => ApprovalKinds.WithPolicy.ToList().IndexOf(p.Kind)).ThenBy(p => p.RiskTier).ToList();
    }

    /// <summary>Writes the next version of a kind's policy for a tier (compliance officers only; audited; new requests only).</summary>
    public async Task<ApprovalPolicy> SetPolicyAsync(Actor actor, string kind, RiskTier tier, ApprovalPolicyValues values, CancellationToken ct = default)
    {
        actor.Require(PolicyRoles);
        if (!ApprovalKinds.WithPolicy.Contains(kind))
            throw new PortalValidationException($"'{kind}' is not a kind of request with a policy: {string.Join(", ", ApprovalKinds.WithPolicy)}.");
        var production = CheckRoles(values.ProductionSignOffs, kind == ApprovalKinds.Promotion ? "Production" : "sign-off");
        var staging = kind == ApprovalKinds.Promotion ? CheckRoles(values.StagingSignOffs, "Staging") : [];
        if (values.ExpiryDays is < 1 or > 365)
            throw new PortalValidationException("A request stays open between 1 and 365 days.");
        var gates = values.Gates ?? [];
        var unknown = gates.Where(g => !PromotionGates.All.Contains(g)).ToList();
        if (unknown.Count > 0)
            throw new PortalValidationException($"Unknown gate(s) {string.Join(", ", unknown)}: gates are {string.Join(", ", PromotionGates.All)}.");
        if (values.ChampionTolerance is < 0 or > 1 || double.IsNaN(values.ChampionTolerance))
            throw new PortalValidationException("The champion tolerance is between 0 and 1.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.ApprovalPolicies.AsNoTracking().Where(p => p.Kind == kind && p.RiskTier == tier)
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        var policy = new ApprovalPolicy
        {
            Id = Guid.NewGuid(), Kind = kind, RiskTier = tier, Version = (current?.Version ?? 0) + 1,
            StagingSignOffs = staging, ProductionSignOffs = production, ExpiryDays = values.ExpiryDays,
            Gates = kind == ApprovalKinds.CriteriaChange ? [] : [.. PromotionGates.All.Where(gates.Contains)],
            ChampionTolerance = values.ChampionTolerance, CreatedBy = actor.AuditName, CreatedAt = AuditChain.Now(),
        };
        db.ApprovalPolicies.Add(policy);
        db.Audit(actor.AuditName, "approval-policy.changed", EntityKinds.ApprovalPolicy, $"{kind}/{tier}", new
        {
            kind, tier = tier.ToString(), version = policy.Version,
            before = current is null ? null : new { current.StagingSignOffs, current.ProductionSignOffs, current.ExpiryDays, current.Gates, current.ChampionTolerance },
            after = new { policy.StagingSignOffs, policy.ProductionSignOffs, policy.ExpiryDays, policy.Gates, policy.ChampionTolerance },
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new PortalValidationException("Someone changed this policy at the same moment: reload and try again.");
        }
        return policy;
    }

    private static List<RoleRequirement> CheckRoles(List<RoleRequirement>? list, string what)
    {
        list ??= [];
        if (list.Count == 0)
            throw new PortalValidationException($"Name at least one role that signs ({what}): a policy without sign-offs would promote unchecked.");
        foreach (var r in list)
        {
            if (!Roles.IsKnown(r.Role) || r.Role == Roles.Auditor)
                throw new PortalValidationException($"'{r.Role}' cannot sign: use {string.Join(", ", Roles.All.Where(x => x != Roles.Auditor))}.");
            if (r.Count is < 1 or > 5)
                throw new PortalValidationException($"{Roles.Display(r.Role)}: between 1 and 5 distinct people.");
        }
        if (list.GroupBy(r => r.Role).Any(g => g.Count() > 1))
            throw new PortalValidationException("Name each role once, with how many people of it must sign.");
        return [.. list];
    }

    internal static async Task<ApprovalPolicy> CurrentPolicyAsync(PortalDbContext db, string kind, RiskTier tier, CancellationToken ct) =>
        await db.ApprovalPolicies.AsNoTracking().Where(p => p.Kind == kind && p.RiskTier == tier)
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct)
        ?? throw new PortalValidationException($"There is no {ApprovalKinds.Display(kind).ToLowerInvariant()} policy for the {tier} risk tier: requests are denied until a compliance officer defines one.");
}
