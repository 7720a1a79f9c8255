using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Dashboards;

/// <summary>What one user's home page answers, read for their roles only (each card's data is null when the roles do not show it).</summary>
public sealed record HomeSummary
{
    public required int ModelCount { get; init; }
    public required int ProductionCount { get; init; }
    public required int UnreadNotifications { get; init; }
    public required int ActiveTokens { get; init; }
    public IReadOnlyList<ApprovalRequest>? Inbox { get; init; }
    public int MyOpenRequests { get; init; }
    public IReadOnlyList<KpiRow>? MyKpis { get; init; }
    public IReadOnlyList<PolicyFinding>? OutOfPolicy { get; init; }
    public IReadOnlyList<ComplianceReport>? Reports { get; init; }
    public IReadOnlyList<AuditEvent>? RecentEvents { get; init; }
    public long AuditEventCount { get; init; }
    public IReadOnlyList<DriftAlert>? MyAlerts { get; init; }
    public IReadOnlyDictionary<Guid, string> AlertModels { get; init; } = new Dictionary<Guid, string>();
    public bool OwnsModels { get; init; }
    public TimeSpan? MeanTimeToDetect { get; init; }
    public IReadOnlyList<JobRun>? FailedThisWeek { get; init; }
    public IReadOnlyList<ScheduleView>? ScheduledNext { get; init; }
    public IReadOnlyList<WorkerView>? Workers { get; init; }
    public int UserCount { get; init; }
    public int LockedCount { get; init; }
    public int PendingGrants { get; init; }
    public IReadOnlyList<(string Role, int Count)> RoleCounts { get; init; } = [];
}

/// <summary>Gathers the home page's cards. Each role's first question (docs/roles.md, "Home pages") is answered from the same services the detail pages use.</summary>
public sealed class HomeService(
    IDbContextFactory<PortalDbContext> dbFactory, SignOffService signOffs, DriftService drift, DashboardService dashboards,
    ReportService reports, WorkerNodeQueries workers, ScheduleService schedules)
{
    public async Task<HomeSummary> ForAsync(Actor actor, CancellationToken ct = default)
    {
        var roles = actor.Roles;
        bool Has(params string[] any) => any.Any(roles.Contains);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var userId = actor.UserId;

        var summary = new HomeSummary
        {
            ModelCount = await db.Models.CountAsync(ct),
            ProductionCount = await db.ModelVersions.Where(v => v.Stage == VersionStage.Production).Select(v => v.ModelId).Distinct().CountAsync(ct),
            UnreadNotifications = await db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, ct),
            ActiveTokens = await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAt == null && t.ExpiresAt > now, ct),
        };
        if (roles.Any(r => r != Roles.Auditor))
            summary = summary with
            {
                Inbox = await signOffs.InboxAsync(actor, ct),
                MyOpenRequests = await db.ApprovalRequests.CountAsync(r => r.RequestedByUserId == userId && r.Status == ApprovalStatus.Open && r.Kind != ApprovalKinds.RoleGrant, ct),
            };
        if (Has(Roles.BusinessStakeholder))
            summary = summary with { MyKpis = (await dashboards.PortfolioAsync(ct)).Kpis.Where(k => k.OwningRole == Roles.BusinessStakeholder).ToList() };
        if (Has(Roles.ComplianceOfficer))
            summary = summary with { OutOfPolicy = await dashboards.OutOfPolicyAsync(ct) };
        if (Has(Roles.ComplianceOfficer, Roles.Auditor))
            summary = summary with
            {
                Reports = await reports.ListAsync(actor, take: 5, ct: ct),
                // What changed, not the jobs' bookkeeping (each job's outcome has its own event).
                RecentEvents = await db.AuditEvents.AsNoTracking().Where(e => !e.Action.StartsWith("job.")).OrderByDescending(e => e.Sequence).Take(8).ToListAsync(ct),
            };
        if (Has(Roles.MlEngineer, Roles.DataScientist))
        {
            // "My models": those I own; when I own none, every model (a team without owners still sees its alerts).
            var models = await db.Models.AsNoTracking().Select(m => new { m.Id, m.Slug, m.Owners }).ToListAsync(ct);
            var mine = models.Where(m => m.Owners.Contains(actor.Name, StringComparer.OrdinalIgnoreCase)).Select(m => m.Id).ToHashSet();
            var alerts = (await db.DriftAlerts.AsNoTracking().Where(a => a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged).ToListAsync(ct))
                .Where(a => mine.Count == 0 || mine.Contains(a.ModelId)).OrderByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt).ToList();
            var week = now.AddDays(-7);
            summary = summary with
            {
                OwnsModels = mine.Count > 0,
                MyAlerts = alerts,
                AlertModels = models.ToDictionary(m => m.Id, m => m.Slug),
                MeanTimeToDetect = await drift.MeanTimeToDetectAsync(ct),
                FailedThisWeek = await db.JobRuns.AsNoTracking().Where(r => r.Status == JobRunStatus.Failed && r.FinishedAt >= week)
                    .OrderByDescending(r => r.FinishedAt).Take(5).ToListAsync(ct),
                ScheduledNext = (await schedules.ListAsync(ct)).Where(v => v.NextFireTime is not null && !v.Schedule.Paused).OrderBy(v => v.NextFireTime).Take(5).ToList(),
            };
        }
        if (Has(Roles.Administrator))
        {
            var locked = await db.Users.Where(u => u.LockoutEnd != null).Select(u => u.LockoutEnd).ToListAsync(ct);
            var held = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select r.Name).ToListAsync(ct);
            summary = summary with
            {
                UserCount = await db.Users.CountAsync(ct),
                LockedCount = locked.Count(l => l > DateTimeOffset.UtcNow),
                PendingGrants = await db.ApprovalRequests.CountAsync(r => r.Kind == ApprovalKinds.RoleGrant && r.Status == ApprovalStatus.Open, ct),
                RoleCounts = Roles.All.Select(r => (r, held.Count(h => h == r))).ToList(),
                Workers = await workers.ListAsync(ct),
            };
        }
        if (Has(Roles.Auditor, Roles.ComplianceOfficer, Roles.Administrator))
            summary = summary with { AuditEventCount = await db.AuditEvents.LongCountAsync(ct) };
        return summary;
    }
}
