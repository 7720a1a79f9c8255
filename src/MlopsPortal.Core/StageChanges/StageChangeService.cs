using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.StageChanges;

/// <summary>
/// The one writer of a version's stage (an approved promotion or rollback, an automatic rollback) and the history of
/// those changes. What else must happen when a version enters Production is each feature's own
/// <see cref="IFollowsProduction"/>, run in the same transaction.
/// </summary>
public sealed class StageChangeService(IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IFollowsProduction> followers)
{
    /// <summary>
    /// Moves a version to a stage. For Production the model's row is locked first, so two promotions finishing at
    /// the same moment take turns: the later one archives the earlier one's version, and exactly one Production
    /// version remains (the database's filtered unique index says so too). The only code that changes a stage.
    /// </summary>
    public async Task ChangeAsync(PortalDbContext db, string auditActor, Guid versionId, VersionStage target, string reason,
        string? requestId, List<string> signers, CancellationToken ct)
    {
        var modelId = await db.ModelVersions.Where(v => v.Id == versionId).Select(v => v.ModelId).SingleAsync(ct);
        await ModelRowLock.TakeAsync(db, modelId, ct);
        var version = await db.ModelVersions.AsNoTracking().SingleAsync(v => v.Id == versionId, ct);
        if (version.Stage == target)
            throw new PortalValidationException($"Version {version.Number} is already in {target}: this request can no longer change anything; withdraw it.");
        if (version.Stage == VersionStage.Production)
            throw new PortalValidationException($"Version {version.Number} went to Production meanwhile: this request would take it out; withdraw it.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == modelId, ct);
        var now = AuditChain.Now();
        var changes = new List<(ModelVersion Version, VersionStage From, VersionStage To, string Reason)>();
        if (target == VersionStage.Production)
        {
            var replaced = await db.ModelVersions.AsNoTracking()
                .Where(v => v.ModelId == modelId && v.Stage == VersionStage.Production && v.Id != versionId).ToListAsync(ct);
            foreach (var old in replaced)
            {
                await db.ModelVersions.Where(v => v.Id == old.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.Stage, VersionStage.Archived), ct);
                changes.Add((old, VersionStage.Production, VersionStage.Archived, "replaced"));
            }
        }
        await db.ModelVersions.Where(v => v.Id == versionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Stage, target), ct);
        changes.Add((version, version.Stage, target, reason));

        foreach (var (v, from, to, why) in changes)
        {
            db.StageChanges.Add(new StageChange
            {
                ModelId = modelId, ModelVersionId = v.Id, VersionNumber = v.Number, From = from, To = to, RequestId = requestId,
                Reason = why, SignedBy = signers, ChangedAt = now,
            });
            db.Audit(auditActor, "model-version.stage-changed", EntityKinds.ModelVersion, v.Id.ToString(), new
            {
                model = model.Slug, version = v.Number, from = from.ToString(), to = to.ToString(), reason = why, approvalRequest = requestId, signedBy = signers,
            });
            await Outbox.PublishAsync(db, WebhookEvents.StageChanged, new
            {
                model = model.Slug, version = v.Number, versionId = v.Id, from = from.ToString(), to = to.ToString(), reason = why, approvalRequest = requestId,
            }, ct);
        }
        // Lineage: the StageChange rows join the request and the version (LineageService follows their foreign keys).
        if (target == VersionStage.Production)
            foreach (var follower in followers)
                await follower.EnteredProductionAsync(db, auditActor, model, ct);
        var owners = await Outbox.UsersNamedAsync(db, model.Owners, ct);
        await Outbox.NotifyAsync(db, owners, "stage-changed", $"{model.Slug} version {version.Number} is in {target}",
            string.Join(" ", changes.Select(c => $"Version {c.Version.Number}: {c.From} → {c.To}.")), $"/models/{model.Slug}", ct);
    }

    /// <summary>A model's stage changes, newest first.</summary>
    public async Task<IReadOnlyList<StageChange>> HistoryAsync(Guid modelId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StageChanges.AsNoTracking().Where(s => s.ModelId == modelId).OrderByDescending(s => s.Id).ToListAsync(ct);
    }
}
