using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Approval requests as the pages list them: one with its sign-offs, filtered lists, and what someone asked for.
/// </summary>
public sealed class ApprovalQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ApprovalView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct)
                      ?? throw new PortalNotFoundException($"No approval request '{id}'.");
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == id).OrderBy(s => s.SignedAt).ToListAsync(ct);
        var policy = request.PolicyId is { } pid ? await db.ApprovalPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pid, ct) : null;
        var model = request.ModelId is { } mid ? await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Id == mid, ct) : null;
        var version = request.SubjectType == EntityKinds.ModelVersion && Guid.TryParse(request.SubjectId, out var vid)
            ? await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vid, ct) : null;
        var champion = model is null ? null : await db.ModelVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        return new ApprovalView(request, signOffs, policy, model, version, champion, RequestSteps.Progress(request, signOffs));
    }

    /// <summary>Requests filtered by status and kind, newest first.</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status = null, Guid? modelId = null, int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApprovalRequests.AsNoTracking().Where(r => r.Kind != ApprovalKinds.RoleGrant);
        if (status is { } s) query = query.Where(r => r.Status == s);
        if (modelId is { } m) query = query.Where(r => r.ModelId == m);
        return await query.OrderByDescending(r => r.RequestedAt).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ApprovalRequest>> RequestedByAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApprovalRequests.AsNoTracking().Where(r => r.RequestedBy == actor.AuditName && r.Kind != ApprovalKinds.RoleGrant)
            .OrderByDescending(r => r.RequestedAt).Take(200).ToListAsync(ct);
    }
}
