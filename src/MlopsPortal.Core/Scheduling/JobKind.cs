namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// A kind of job: its Quartz job type, its misfire policy and whether a dead node's run restarts. Each feature registers
/// its own with <see cref="JobKindRegistration.AddJobKind{TJob}"/>; <see cref="JobKinds"/> holds them all.
/// </summary>
public sealed record JobKind(
    string Name,
    string DisplayName,
    Type JobType,
    MisfirePolicy Misfire,
    bool Recoverable,
    bool Schedulable,
    string Description)
{
    /// <summary>The Quartz job group of this kind's jobs.</summary>
    public string Group => Name;

    /// <summary>The housekeeping schedule every installation has for this kind (created at each node's start), if any.</summary>
    public SystemSchedule? System { get; init; }
}

/// <summary>A schedule the portal keeps for itself: its name and cron expression (UTC).</summary>
public sealed record SystemSchedule(string Name, string Cron);
