using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Training;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core.Data;

/// <summary>
/// The one EF Core model, for SQLite, PostgreSQL and SQL Server alike. Audit events queued with
/// <see cref="Audit"/> are appended to the hash chain inside the same transaction as the changes
/// they describe (see <see cref="AuditChain"/>); a save that changes audited data without an audit
/// event fails.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    private readonly List<PendingAuditEvent> _pendingAudit = [];

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<AuditAnchor> AuditAnchors => Set<AuditAnchor>();
    public DbSet<LineageEdge> LineageEdges => Set<LineageEdge>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ApprovalRequest> ApprovalRequests => Set<ApprovalRequest>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetVersion> DatasetVersions => Set<DatasetVersion>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<JobLogLine> JobLogLines => Set<JobLogLine>();
    public DbSet<JobSchedule> JobSchedules => Set<JobSchedule>();
    public DbSet<WorkerNode> WorkerNodes => Set<WorkerNode>();
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();
    public DbSet<TrainingRun> TrainingRuns => Set<TrainingRun>();
    public DbSet<TrainingRound> TrainingRounds => Set<TrainingRound>();
    public DbSet<ModelEvaluation> ModelEvaluations => Set<ModelEvaluation>();
    public DbSet<FairnessPolicy> FairnessPolicies => Set<FairnessPolicy>();
    public DbSet<FairnessAuditRecord> FairnessAudits => Set<FairnessAuditRecord>();
    public DbSet<ApprovalPolicy> ApprovalPolicies => Set<ApprovalPolicy>();
    public DbSet<SignOff> SignOffs => Set<SignOff>();
    public DbSet<Delegation> Delegations => Set<Delegation>();
    public DbSet<StageChange> StageChanges => Set<StageChange>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<SmtpSettings> SmtpSettings => Set<SmtpSettings>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<Drift.DriftReportRecord> DriftReports => Set<Drift.DriftReportRecord>();
    public DbSet<Drift.DriftAlert> DriftAlerts => Set<Drift.DriftAlert>();
    public DbSet<Drift.DriftAlertEvent> DriftAlertEvents => Set<Drift.DriftAlertEvent>();
    public DbSet<Reports.ComplianceReport> ComplianceReports => Set<Reports.ComplianceReport>();
    public DbSet<Reports.ReportSigningKey> ReportSigningKeys => Set<Reports.ReportSigningKey>();
    public DbSet<Monitoring.OutcomeUpload> OutcomeUploads => Set<Monitoring.OutcomeUpload>();
    public DbSet<Monitoring.LivePerformanceSnapshot> LivePerformanceSnapshots => Set<Monitoring.LivePerformanceSnapshot>();
    public DbSet<Training.ShadowScoring> ShadowScorings => Set<Training.ShadowScoring>();
    public DbSet<Monitoring.AutomaticRollback> AutomaticRollbacks => Set<Monitoring.AutomaticRollback>();
    public DbSet<Monitoring.Reproduction> Reproductions => Set<Monitoring.Reproduction>();

    /// <summary>Queues an audit event that the next SaveChangesAsync writes in its transaction.</summary>
    public void Audit(string actor, string action, string entityType, string entityId, object? payload = null) =>
        _pendingAudit.Add(new PendingAuditEvent(actor, action, entityType, entityId, AuditChain.ToCanonicalPayload(payload)));

    /// <summary>Records that <paramref name="toKind"/>/<paramref name="toId"/> derives from the other end.</summary>
    public void AddLineage(string fromKind, string fromId, string toKind, string toId, string relation) =>
        LineageEdges.Add(new LineageEdge
        {
            FromKind = fromKind, FromId = fromId, ToKind = toKind, ToId = toId,
            Relation = relation, CreatedAt = AuditChain.Now(),
        });

    internal bool HasPendingAudit => _pendingAudit.Count > 0;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC; SQLite stores text without a kind, so mark it on the way back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        // At most one Production version per model, guaranteed by the database as well as by the model-row lock
        // that promotions take (the filter is SQL, so it is written in the provider's own quoting).
        var stage = Database.ProviderName?.Contains("SqlServer") == true ? "[Stage]" : "\"Stage\"";
        builder.Entity<ModelVersion>().HasIndex(v => v.ModelId, "IX_ModelVersions_OneProduction").IsUnique()
            .HasFilter($"{stage} = 'Production'");
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditChain.EnsureChangesAreAudited(this);
        if (_pendingAudit.Count > 0)
            throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditChain.EnsureChangesAreAudited(this);
        if (_pendingAudit.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        var ownTransaction = Database.CurrentTransaction is null;
        // SQLite has one writer at a time: audited writes of this process queue here, without a busy-wait on the file.
        using var turn = ownTransaction ? await SqliteWriters.EnterAsync(this, cancellationToken) : null;
        var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            // The governed changes first, the chain last (docs/architecture.md): every other audited writer waits on
            // the head row, so it is taken right before the commit. Changes are accepted only after the commit, so a
            // failed transaction leaves the context as it was and the same save can be retried.
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            written += await AuditChain.AppendAsync(this, _pendingAudit, cancellationToken);
            if (transaction is not null)
                await transaction.CommitAsync(cancellationToken);
            _pendingAudit.Clear();
            if (acceptAllChangesOnSuccess)
                ChangeTracker.AcceptAllChanges();
            return written;
        }
        finally
        {
            if (transaction is not null)
                await transaction.DisposeAsync();
        }
    }

    internal sealed record PendingAuditEvent(string Actor, string Action, string EntityType, string EntityId, string Payload);

    /// <summary>Identity's own writes that are bookkeeping, not governed state (contracts: not counters).</summary>
    internal static readonly IReadOnlySet<string> UnauditedUserProperties = new HashSet<string>
    {
        nameof(IdentityUser.AccessFailedCount), nameof(IdentityUser.LockoutEnd),
        nameof(IdentityUser.ConcurrencyStamp), nameof(IdentityUser.SecurityStamp),
        nameof(PortalUser.LastSignInAt),
    };

    /// <summary>A modified row whose changed properties are all bookkeeping (above): the audit guard lets it pass.</summary>
    internal static bool IsBookkeeping(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
    {
        // Identity's UserStore marks every property modified (DbContext.Update): compare values instead.
        var changed = entry.Properties
            .Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))
            .Select(p => p.Metadata.Name)
            .ToList();
        return entry.Entity switch
        {
            PortalUser => changed.All(UnauditedUserProperties.Contains),
            ApiToken => changed.All(n => n == nameof(ApiToken.LastUsedAt)),
            _ => false,
        };
    }

    internal static readonly IReadOnlySet<Type> UnauditedTypes = new HashSet<Type>
    {
        typeof(AuditEvent), typeof(AuditChainHead), typeof(DataProtectionKey),
        // Authenticator keys and recovery codes: the enable/disable/reset actions are audited by the pages.
        typeof(IdentityUserToken<string>),
        // Operational telemetry: a node's check-ins and a run's log lines. Job requests, cancels and
        // outcomes are JobRun changes, which are audited; claims and heartbeats are not (ADR-008).
        typeof(WorkerNode), typeof(JobLogLine),
        // A training run's per-round metrics: progress like log lines; the run's start and outcome are audited.
        typeof(TrainingRound),
        // Outboxes: messages and deliveries written with the audited event they carry, and their sending state.
        typeof(Notification), typeof(WebhookDelivery), typeof(WebhookAttempt),
    };
}
