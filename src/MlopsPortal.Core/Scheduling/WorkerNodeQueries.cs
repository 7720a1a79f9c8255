using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>Reads the Workers page's view of the cluster.</summary>
public sealed class WorkerNodeQueries(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SchedulingOptions> options)
{
    public static WorkerState StateOf(WorkerNode node, DateTime now, TimeSpan heartbeat) =>
        node.StoppedAt is not null ? WorkerState.Gone
        : now - node.LastCheckInAt <= heartbeat * 2 + TimeSpan.FromSeconds(1) ? WorkerState.Healthy
        : now - node.LastCheckInAt <= heartbeat * 6 ? WorkerState.Late
        : WorkerState.Gone;

    public async Task<IReadOnlyList<WorkerView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var nodes = await db.WorkerNodes.AsNoTracking().OrderByDescending(n => n.LastCheckInAt).Take(500).ToListAsync(ct);
        var running = await db.JobRuns.AsNoTracking().Where(r => r.Status == JobRunStatus.Running && r.NodeId != null)
            .GroupBy(r => r.NodeId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var now = DateTime.UtcNow;
        return nodes.Select(n => new WorkerView(n, StateOf(n, now, options.Value.HeartbeatInterval), running.GetValueOrDefault(n.Id)))
            .OrderBy(v => v.State).ThenBy(v => v.Node.Host).ThenBy(v => v.Node.StartedAt).ToList();
    }
}

public enum WorkerState
{
    Healthy,
    /// <summary>Missed a couple of check-ins: busy, paused by the OS, or about to be declared gone.</summary>
    Late,
    Gone,
}

/// <summary>A node with its state and how many runs it holds now.</summary>
public sealed record WorkerView(WorkerNode Node, WorkerState State, int RunningJobs);
