using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Lineage;

/// <summary>What a lineage question asks: around which entity, which way, how far, and how to show it.</summary>
public sealed record LineageQuery(string Kind, string Id, LineageDirection Direction = LineageDirection.Both, int Depth = LineageService.DefaultDepth)
{
    /// <summary>Collapse more than <see cref="LineageService.CollapseAbove"/> siblings of one kind and relation into one node.</summary>
    public bool Collapse { get; init; } = true;
    /// <summary>Group ids to show expanded.</summary>
    public IReadOnlySet<string> Expand { get; init; } = new HashSet<string>();
    /// <summary>Node kinds to leave out; their neighbours are joined "via" them.</summary>
    public IReadOnlySet<string> Hide { get; init; } = new HashSet<string>();
}

/// <summary>
/// Walks the lineage edges (recorded with the entities they join) and the foreign keys that are lineage by
/// definition (a version of a model or dataset, a stage change of a version and the request that made it, the
/// retraining an alert started), then names every node from its own row.
/// </summary>
public sealed class LineageService(IDbContextFactory<PortalDbContext> dbFactory, JobKinds kinds, IEnumerable<ILineageNodeSource> sources)
{
    public const int DefaultDepth = 3;
    public const int MaxDepth = 10;
    public const int CollapseAbove = 6;
    /// <summary>A walk stops adding nodes here (the answer says it was truncated).</summary>
    public const int MaxNodes = 10_000;
    private const int Chunk = 500;

    public static readonly IReadOnlyList<string> Kinds =
    [
        EntityKinds.Model, EntityKinds.Dataset, EntityKinds.DatasetVersion, EntityKinds.TrainingRun, EntityKinds.ModelVersion,
        EntityKinds.Evaluation, EntityKinds.FairnessAudit, EntityKinds.ApprovalRequest, EntityKinds.StageChange,
        EntityKinds.ScoringJob, EntityKinds.DriftReport, EntityKinds.DriftAlert, EntityKinds.Report,
    ];

    public async Task<LineageGraph> GetAsync(LineageQuery query, CancellationToken ct = default)
    {
        if (!Kinds.Contains(query.Kind))
            throw new PortalValidationException($"'{query.Kind}' is not a lineage kind. Use one of: {string.Join(", ", Kinds)}.");
        if (query.Depth is < 1 or > MaxDepth)
            throw new PortalValidationException($"Depth must be between 1 and {MaxDepth}.");
        foreach (var hidden in query.Hide)
            if (!Kinds.Contains(hidden)) throw new PortalValidationException($"'{hidden}' is not a lineage kind.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var focus = new Ref(query.Kind, await ResolveIdAsync(db, query.Kind, query.Id, ct));
        var refs = new Dictionary<string, Ref> { [focus.Key] = focus };
        var links = new HashSet<LineageLink>();
        var truncated = false;
        foreach (var down in query.Direction switch { LineageDirection.Up => [false], LineageDirection.Down => [true], _ => new[] { false, true } })
        {
            var seen = new HashSet<string> { focus.Key };
            var frontier = new List<Ref> { focus };
            for (var level = 0; level < query.Depth && frontier.Count > 0 && !truncated; level++)
            {
                var next = new List<Ref>();
                foreach (var (from, to, relation) in await EdgesAsync(db, frontier, down, ct))
                {
                    var other = down ? to : from;
                    if (!seen.Contains(other.Key))
                    {
                        if (refs.Count >= MaxNodes && !refs.ContainsKey(other.Key))
                        {
                            truncated = true;
                            continue;
                        }
                        seen.Add(other.Key);
                        refs.TryAdd(other.Key, other);
                        next.Add(other);
                    }
                    links.Add(new LineageLink(from.Key, to.Key, relation));
                }
                frontier = next;
            }
        }
        var nodes = await DescribeAsync(db, refs.Values, ct);
        nodes[focus.Key] = nodes[focus.Key] with { Focus = true };
        var graph = new LineageGraph(focus.Key, [.. nodes.Values], [.. links]) { Truncated = truncated };
        graph = Hide(graph, query.Hide);
        return query.Collapse ? CollapseSiblings(graph, query.Expand) : graph;
    }

    /// <summary>Where a prediction (or a version) came from; see <see cref="Provenance"/>.</summary>
    public async Task<Provenance> ExplainAsync(string kind, string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ProvenanceQuery.ExplainAsync(db, kind, id, ct);
    }

    /// <summary>Whether a dataset version holds a scoring job's predictions (its provenance can be explained).</summary>
    public async Task<bool> IsScoringOutputAsync(Guid datasetVersionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = datasetVersionId.ToString();
        return await db.LineageEdges.AnyAsync(e => e.ToId == id && e.ToKind == EntityKinds.DatasetVersion && e.FromKind == EntityKinds.ScoringJob, ct);
    }

    /// <summary>
    /// Names entities for pages and reports (name, key fact and page address), by the same rules as the graph's nodes;
    /// the key of the answer is "kind:id". An entity that is gone, or a kind the lineage does not know, reads "not found".
    /// </summary>
    public async Task<IReadOnlyDictionary<string, LineageNode>> NameAsync(IEnumerable<(string Kind, string Id)> entities, CancellationToken ct = default)
    {
        var refs = entities.Select(e => new Ref(e.Kind, e.Id)).Distinct().ToList();
        if (refs.Count == 0) return new Dictionary<string, LineageNode>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await DescribeAsync(db, refs, ct);
    }

    private readonly record struct Ref(string Kind, string Id)
    {
        public string Key => $"{Kind}:{Id}";
    }

    private async Task<string> ResolveIdAsync(PortalDbContext db, string kind, string id, CancellationToken ct)
    {
        var guid = Guid.TryParse(id, out var g) ? g : (Guid?)null;
        var found = kind switch
        {
            EntityKinds.Model => await db.Models.Where(m => m.Id == guid || m.Slug == id).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct) is { } m ? m.ToString() : null,
            EntityKinds.Dataset => await db.Datasets.Where(d => d.Id == guid || d.Name == id).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct) is { } d ? d.ToString() : null,
            EntityKinds.DatasetVersion => guid is not null && await db.DatasetVersions.AnyAsync(v => v.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.TrainingRun => guid is not null && await db.TrainingRuns.AnyAsync(r => r.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.ModelVersion => guid is not null && await db.ModelVersions.AnyAsync(v => v.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.Evaluation => guid is not null && await db.ModelEvaluations.AnyAsync(e => e.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.FairnessAudit => guid is not null && await db.FairnessAudits.AnyAsync(a => a.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.ApprovalRequest => await db.ApprovalRequests.AnyAsync(r => r.Id == id, ct) ? id : null,
            EntityKinds.StageChange => long.TryParse(id, out var s) && await db.StageChanges.AnyAsync(c => c.Id == s, ct) ? s.ToString() : null,
            EntityKinds.ScoringJob => guid is not null && await db.JobRuns.AnyAsync(r => r.Id == guid && r.Kind == ScoreBatchJob.Kind, ct) ? guid.ToString() : null,
            EntityKinds.DriftReport => guid is not null && await db.DriftReports.AnyAsync(r => r.Id == guid, ct) ? guid.ToString() : null,
            EntityKinds.DriftAlert => guid is not null && await db.DriftAlerts.AnyAsync(a => a.Id == guid, ct) ? guid.ToString() : null,
            _ when guid is not null && sources.FirstOrDefault(x => x.Kind == kind) is { } source => await source.ExistsAsync(db, guid.Value, ct) ? guid.ToString() : null,
            _ => null,
        };
        return found ?? throw new PortalNotFoundException($"No {kind.Replace('-', ' ')} '{id}'.");
    }

    /// <summary>The edges leaving (down) or entering (up) the frontier, recorded and by foreign key.</summary>
    private static async Task<List<(Ref From, Ref To, string Relation)>> EdgesAsync(PortalDbContext db, List<Ref> frontier, bool down, CancellationToken ct)
    {
        var result = new List<(Ref, Ref, string)>();
        var keys = frontier.Select(r => r.Key).ToHashSet();
        foreach (var chunk in frontier.Select(r => r.Id).Distinct().Chunk(Chunk))
        {
            var edges = down
                ? await db.LineageEdges.AsNoTracking().Where(e => chunk.Contains(e.FromId)).ToListAsync(ct)
                : await db.LineageEdges.AsNoTracking().Where(e => chunk.Contains(e.ToId)).ToListAsync(ct);
            foreach (var e in edges)
            {
                // Superseded: a request's effect on a version is its stage change (by foreign key, below).
                if (e.FromKind == EntityKinds.ApprovalRequest && e.ToKind == EntityKinds.ModelVersion) continue;
                var from = new Ref(e.FromKind, e.FromId);
                var to = new Ref(e.ToKind, e.ToId);
                if (keys.Contains(down ? from.Key : to.Key)) result.Add((from, to, e.Relation));
            }
        }

        List<Guid> Guids(string kind) => frontier.Where(r => r.Kind == kind).Select(r => Guid.Parse(r.Id)).ToList();
        var models = Guids(EntityKinds.Model);
        var datasets = Guids(EntityKinds.Dataset);
        var versions = Guids(EntityKinds.ModelVersion);
        var datasetVersions = Guids(EntityKinds.DatasetVersion);
        var runs = Guids(EntityKinds.TrainingRun);
        var alerts = Guids(EntityKinds.DriftAlert);
        var requests = frontier.Where(r => r.Kind == EntityKinds.ApprovalRequest).Select(r => r.Id).ToList();
        var changes = frontier.Where(r => r.Kind == EntityKinds.StageChange).Select(r => long.Parse(r.Id)).ToList();
        static Ref R(string kind, object id) => new(kind, id.ToString()!);

        if (down)
        {
            foreach (var chunk in models.Chunk(Chunk))
                foreach (var v in await db.ModelVersions.Where(v => chunk.Contains(v.ModelId)).Select(v => new { v.Id, v.ModelId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.Model, v.ModelId), R(EntityKinds.ModelVersion, v.Id), "version"));
            foreach (var chunk in datasets.Chunk(Chunk))
                foreach (var v in await db.DatasetVersions.Where(v => chunk.Contains(v.DatasetId)).Select(v => new { v.Id, v.DatasetId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.Dataset, v.DatasetId), R(EntityKinds.DatasetVersion, v.Id), "version"));
            foreach (var chunk in versions.Chunk(Chunk))
                foreach (var c in await db.StageChanges.Where(c => chunk.Contains(c.ModelVersionId)).Select(c => new { c.Id, c.ModelVersionId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.ModelVersion, c.ModelVersionId), R(EntityKinds.StageChange, c.Id), "stage-changed"));
            foreach (var chunk in requests.Chunk(Chunk))
                foreach (var c in await db.StageChanges.Where(c => chunk.Contains(c.RequestId!)).Select(c => new { c.Id, c.RequestId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.ApprovalRequest, c.RequestId!), R(EntityKinds.StageChange, c.Id), "decided"));
            foreach (var chunk in alerts.Chunk(Chunk))
                foreach (var a in await db.DriftAlerts.Where(a => chunk.Contains(a.Id) && a.RetrainingRunId != null).Select(a => new { a.Id, a.RetrainingRunId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.DriftAlert, a.Id), R(EntityKinds.TrainingRun, a.RetrainingRunId!), "retraining"));
        }
        else
        {
            foreach (var chunk in versions.Chunk(Chunk))
                foreach (var v in await db.ModelVersions.Where(v => chunk.Contains(v.Id)).Select(v => new { v.Id, v.ModelId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.Model, v.ModelId), R(EntityKinds.ModelVersion, v.Id), "version"));
            foreach (var chunk in datasetVersions.Chunk(Chunk))
                foreach (var v in await db.DatasetVersions.Where(v => chunk.Contains(v.Id)).Select(v => new { v.Id, v.DatasetId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.Dataset, v.DatasetId), R(EntityKinds.DatasetVersion, v.Id), "version"));
            foreach (var chunk in changes.Chunk(Chunk))
                foreach (var c in await db.StageChanges.Where(c => chunk.Contains(c.Id)).Select(c => new { c.Id, c.ModelVersionId, c.RequestId }).ToListAsync(ct))
                {
                    result.Add((R(EntityKinds.ModelVersion, c.ModelVersionId), R(EntityKinds.StageChange, c.Id), "stage-changed"));
                    if (c.RequestId is not null) result.Add((R(EntityKinds.ApprovalRequest, c.RequestId), R(EntityKinds.StageChange, c.Id), "decided"));
                }
            foreach (var chunk in runs.Chunk(Chunk))
                foreach (var a in await db.DriftAlerts.Where(a => a.RetrainingRunId != null && chunk.Contains(a.RetrainingRunId.Value)).Select(a => new { a.Id, a.RetrainingRunId }).ToListAsync(ct))
                    result.Add((R(EntityKinds.DriftAlert, a.Id), R(EntityKinds.TrainingRun, a.RetrainingRunId!), "retraining"));
        }
        return result;
    }

    // ---- naming the nodes -----------------------------------------------------------------------------------

    private async Task<Dictionary<string, LineageNode>> DescribeAsync(PortalDbContext db, IEnumerable<Ref> refs, CancellationToken ct)
    {
        var byKind = refs.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Select(r => r.Id).ToList());
        var nodes = new Dictionary<string, LineageNode>();
        void Add(string kind, object id, string name, string keyFact, string? url, string detail) =>
            nodes[$"{kind}:{id}"] = new LineageNode($"{kind}:{id}", kind, id.ToString()!, name, keyFact, url) { Detail = detail };
        // Ids from outside the graph (an audit event's entity id) may not be GUIDs: those fall through to "not found".
        List<Guid> Guids(string kind) => byKind.GetValueOrDefault(kind)?.Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null).OfType<Guid>().ToList() ?? [];
        var slugs = new Dictionary<Guid, string>();
        async Task<string> SlugAsync(Guid modelId)
        {
            if (!slugs.TryGetValue(modelId, out var slug))
                slugs[modelId] = slug = await db.Models.Where(m => m.Id == modelId).Select(m => m.Slug).SingleOrDefaultAsync(ct) ?? "(deleted model)";
            return slug;
        }
        var versionNames = new Dictionary<Guid, string>();
        async Task<string> VersionAsync(Guid versionId)
        {
            if (!versionNames.TryGetValue(versionId, out var name))
            {
                var v = await db.ModelVersions.Where(x => x.Id == versionId).Select(x => new { x.ModelId, x.Number }).SingleOrDefaultAsync(ct);
                versionNames[versionId] = name = v is null ? "(deleted version)" : $"{await SlugAsync(v.ModelId)} v{v.Number}";
            }
            return name;
        }

        foreach (var chunk in Guids(EntityKinds.Model).Chunk(Chunk))
            foreach (var m in await db.Models.Where(m => chunk.Contains(m.Id)).ToListAsync(ct))
            {
                slugs[m.Id] = m.Slug;
                Add(EntityKinds.Model, m.Id, m.Slug, $"{m.RiskTier} risk", $"/models/{m.Slug}", $"Model {m.DisplayName}, owned by {string.Join(", ", m.Owners)}.");
            }
        foreach (var chunk in Guids(EntityKinds.Dataset).Chunk(Chunk))
            foreach (var d in await db.Datasets.Where(d => chunk.Contains(d.Id)).ToListAsync(ct))
                Add(EntityKinds.Dataset, d.Id, d.Name, $"{d.VersionCount} version{(d.VersionCount == 1 ? "" : "s")}", $"/datasets/{Uri.EscapeDataString(d.Name)}",
                    $"Dataset {d.Name}, created by {d.CreatedBy}.");
        foreach (var chunk in Guids(EntityKinds.DatasetVersion).Chunk(Chunk))
            foreach (var v in await db.DatasetVersions.Where(v => chunk.Contains(v.Id))
                         .Join(db.Datasets, v => v.DatasetId, d => d.Id, (v, d) => new { v.Id, d.Name, v.Version, v.Sha256, v.RowCount, v.AddedBy, v.AddedAt })
                         .ToListAsync(ct))
                Add(EntityKinds.DatasetVersion, v.Id, $"{v.Name} v{v.Version}", $"sha256 {v.Sha256[..12]} · {v.RowCount:N0} rows", $"/datasets/versions/{v.Id}",
                    $"Content SHA-256 {v.Sha256}, {v.RowCount:N0} rows, added by {v.AddedBy} at {v.AddedAt:u}.");
        foreach (var chunk in Guids(EntityKinds.TrainingRun).Chunk(Chunk))
            foreach (var r in await db.TrainingRuns.Where(r => chunk.Contains(r.Id))
                         .Join(db.JobRuns, r => r.Id, j => j.Id, (r, j) => new { r.Id, r.ModelId, r.Seed, r.Engine, r.EngineVersion, r.CodeVersion, r.Trigger, j.Status, r.StartedAt, r.NodeId })
                         .ToListAsync(ct))
                Add(EntityKinds.TrainingRun, r.Id, $"Training of {await SlugAsync(r.ModelId)}", $"{r.Status} · seed {r.Seed}", $"/runs/{r.Id}",
                    $"{Engine.Models.ModelEngines.DisplayName(r.Engine)} {r.EngineVersion}, code {r.CodeVersion ?? "not recorded"}, trigger {r.Trigger}, on {r.NodeId}, started {r.StartedAt:u}.");
        foreach (var chunk in Guids(EntityKinds.ModelVersion).Chunk(Chunk))
            foreach (var v in await db.ModelVersions.Where(v => chunk.Contains(v.Id)).ToListAsync(ct))
            {
                var name = $"{await SlugAsync(v.ModelId)} v{v.Number}";
                versionNames[v.Id] = name;
                Add(EntityKinds.ModelVersion, v.Id, name, v.Stage == VersionStage.None ? "no stage" : v.Stage.ToString(), $"/model-versions/{v.Id}",
                    $"Package SHA-256 {v.PackageSha256}, trained by {v.TrainedBy}{(v.ExternallyTrained ? " outside the portal" : "")}.");
            }
        foreach (var chunk in Guids(EntityKinds.Evaluation).Chunk(Chunk))
            foreach (var e in await db.ModelEvaluations.Where(e => chunk.Contains(e.Id))
                         .Select(e => new { e.Id, e.ModelVersionId, e.Result, e.CriteriaPassed, e.Rows, e.CreatedAt }).ToListAsync(ct))
            {
                var result = TrainingJson.ReadResult(e.Result);
                var metric = result?.Classification?.Auc is { } auc ? $"AUC {auc:0.000}" : result?.Regression is { } r ? $"RMSE {r.Rmse:0.###}" : "no metric";
                var verdict = e.CriteriaPassed switch { true => "criteria met", false => "criteria missed", null => "no criteria" };
                Add(EntityKinds.Evaluation, e.Id, $"Evaluation of {await VersionAsync(e.ModelVersionId)}", $"{metric} · {verdict}", $"/evaluations/{e.Id}",
                    $"{e.Rows:N0} hold-out rows, {e.CreatedAt:u}.");
            }
        foreach (var chunk in Guids(EntityKinds.FairnessAudit).Chunk(Chunk))
            foreach (var a in await db.FairnessAudits.Where(a => chunk.Contains(a.Id))
                         .Select(a => new { a.Id, a.ModelVersionId, a.Verdict, a.Sensitive, a.CreatedAt }).ToListAsync(ct))
                Add(EntityKinds.FairnessAudit, a.Id, a.ModelVersionId is { } mv ? $"Fairness of {await VersionAsync(mv)}" : "Data fairness audit",
                    a.Verdict ?? "no verdict", $"/fairness-audits/{a.Id}", $"Sensitive: {string.Join(", ", a.Sensitive)}; {a.CreatedAt:u}.");
        foreach (var chunk in (byKind.GetValueOrDefault(EntityKinds.ApprovalRequest) ?? []).Chunk(Chunk))
            foreach (var r in await db.ApprovalRequests.Where(r => chunk.Contains(r.Id))
                         .Select(r => new { r.Id, r.Kind, r.TargetStage, r.Status, r.RequestedBy, r.RequestedAt, r.Summary }).ToListAsync(ct))
                Add(EntityKinds.ApprovalRequest, r.Id, r.TargetStage is { } t ? $"{Capitalized(r.Kind)} to {t}" : Capitalized(r.Kind.Replace('-', ' ')),
                    r.Status.ToString(), $"/approvals/{r.Id}", $"{r.Summary} Requested by {r.RequestedBy} at {r.RequestedAt:u}.");
        foreach (var chunk in (byKind.GetValueOrDefault(EntityKinds.StageChange) ?? []).Select(id => long.TryParse(id, out var n) ? n : (long?)null).OfType<long>().Chunk(Chunk))
            foreach (var c in await db.StageChanges.Where(c => chunk.Contains(c.Id)).ToListAsync(ct))
            {
                var slug = await SlugAsync(c.ModelId);
                Add(EntityKinds.StageChange, c.Id, $"v{c.VersionNumber}: {c.From} → {c.To}", $"{c.Reason} · {c.ChangedAt:yyyy-MM-dd}", $"/models/{slug}#stage-history",
                    $"{slug} version {c.VersionNumber} moved from {c.From} to {c.To} at {c.ChangedAt:u} ({c.Reason})"
                    + (c.SignedBy.Count > 0 ? $"; signed by {string.Join(", ", c.SignedBy)}." : "."));
            }
        foreach (var chunk in Guids(EntityKinds.ScoringJob).Chunk(Chunk))
            foreach (var j in await db.JobRuns.Where(j => chunk.Contains(j.Id)).Select(j => new { j.Id, j.Status, j.QueuedAt, j.NodeId, j.Summary }).ToListAsync(ct))
                Add(EntityKinds.ScoringJob, j.Id, $"Scoring {j.QueuedAt:yyyy-MM-dd HH:mm}", j.Status.ToString(), $"/jobs/{j.Id}",
                    j.Summary ?? $"Batch scoring on {j.NodeId ?? "no node yet"}.");
        foreach (var chunk in Guids(EntityKinds.DriftReport).Chunk(Chunk))
            foreach (var r in await db.DriftReports.Where(r => chunk.Contains(r.Id))
                         .Select(r => new { r.Id, r.ModelVersionId, r.DriftedColumns, r.JudgedColumns, r.DatasetDrift, r.CreatedAt }).ToListAsync(ct))
                Add(EntityKinds.DriftReport, r.Id, $"Drift of {await VersionAsync(r.ModelVersionId)}",
                    $"{r.DriftedColumns}/{r.JudgedColumns} drifted{(r.DatasetDrift == true ? " · drift" : "")}", $"/drift-reports/{r.Id}", $"Report of {r.CreatedAt:u}.");
        foreach (var chunk in Guids(EntityKinds.DriftAlert).Chunk(Chunk))
            foreach (var a in await db.DriftAlerts.Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.Cause, a.Severity, a.Status, a.Summary }).ToListAsync(ct))
                Add(EntityKinds.DriftAlert, a.Id, $"{Capitalized(a.Cause.Replace('-', ' '))} alert", $"{a.Severity} · {a.Status}", $"/alerts/{a.Id}", a.Summary);

        // Kinds that features above this one own (reports) describe their own nodes.
        foreach (var source in sources)
            foreach (var chunk in Guids(source.Kind).Chunk(Chunk))
                foreach (var node in await source.DescribeAsync(db, chunk, ct))
                    nodes[node.Id] = node;

        // Job runs are not lineage nodes, but audit events name them: "Training run", linked to the run's page.
        foreach (var chunk in Guids("job-run").Chunk(Chunk))
            foreach (var j in await db.JobRuns.Where(j => chunk.Contains(j.Id)).Select(j => new { j.Id, j.Kind, j.Status, j.QueuedAt }).ToListAsync(ct))
                Add("job-run", j.Id, $"{kinds.DisplayName(j.Kind)} run", $"{j.Status} · queued {j.QueuedAt:yyyy-MM-dd HH:mm}",
                    $"/jobs/{j.Id}", $"A {j.Kind} job queued at {j.QueuedAt:u}.");

        // A row that an edge names but that is gone (or a kind this portal does not describe) still shows.
        foreach (var r in refs)
            nodes.TryAdd(r.Key, new LineageNode(r.Key, r.Kind, r.Id, $"{r.Kind} {r.Id[..Math.Min(8, r.Id.Length)]}", "not found", null));
        return nodes;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // ---- shaping the answer ---------------------------------------------------------------------------------

    /// <summary>Leaves out the nodes of hidden kinds (never the focus), joining each one's sources to its targets.</summary>
    public static LineageGraph Hide(LineageGraph graph, IReadOnlySet<string> kinds)
    {
        if (kinds.Count == 0) return graph;
        var hidden = graph.Nodes.Where(n => kinds.Contains(n.Kind) && n.Id != graph.Focus).Select(n => n.Id).ToHashSet();
        var edges = graph.Edges.ToHashSet();
        foreach (var id in hidden)
        {
            var into = edges.Where(e => e.To == id).ToList();
            var outOf = edges.Where(e => e.From == id).ToList();
            edges.ExceptWith(into);
            edges.ExceptWith(outOf);
            var kind = graph.Nodes.First(n => n.Id == id).Kind;
            foreach (var a in into)
                foreach (var b in outOf)
                    if (a.From != b.To) edges.Add(new LineageLink(a.From, b.To, $"via {kind}"));
        }
        return graph with { Nodes = graph.Nodes.Where(n => !hidden.Contains(n.Id)).ToList(), Edges = [.. edges] };
    }

    /// <summary>
    /// Shows more than <see cref="CollapseAbove"/> nodes that hang off one node by the same relation and are of the
    /// same kind as one group node; edges of the members move to the group. Repeats until nothing changes, so that
    /// 300 scoring jobs and their 300 outputs become two nodes.
    /// </summary>
    public static LineageGraph CollapseSiblings(LineageGraph graph, IReadOnlySet<string> expand)
    {
        var nodes = graph.Nodes.ToDictionary(n => n.Id);
        var edges = graph.Edges.ToHashSet();
        for (var round = 0; round < 8; round++)
        {
            var groups = edges
                .SelectMany(e => new[] { (Parent: e.From, Member: e.To, Side: "down", e.Relation), (Parent: e.To, Member: e.From, Side: "up", e.Relation) })
                .Where(x => x.Member != graph.Focus && !nodes[x.Member].IsGroup)
                .GroupBy(x => (x.Parent, x.Side, nodes[x.Member].Kind, x.Relation))
                .Select(g => (g.Key, Members: g.Select(x => x.Member).Distinct().ToList()))
                .Where(g => g.Members.Count > CollapseAbove)
                .Select(g => (Id: $"group:{g.Key.Parent}>{g.Key.Side}>{g.Key.Kind}>{g.Key.Relation}", g.Key, g.Members))
                .Where(g => !expand.Contains(g.Id))
                .OrderByDescending(g => g.Members.Count).ThenBy(g => g.Id, StringComparer.Ordinal)
                .ToList();
            var taken = new HashSet<string>();
            var changed = false;
            foreach (var (id, key, members) in groups)
            {
                var free = members.Where(m => !taken.Contains(m)).ToList();
                if (free.Count <= CollapseAbove) continue;
                taken.UnionWith(free);
                changed = true;
                var sample = nodes[free[0]];
                nodes[id] = new LineageNode(id, key.Kind, "", $"{free.Count:N0} × {KindLabel(key.Kind)}", $"grouped by '{key.Relation}'", null)
                {
                    Members = free.Sum(m => nodes[m].Members),
                    Detail = $"{free.Count:N0} {KindLabel(key.Kind)} nodes, for example {sample.Name} ({sample.KeyFact}). Expand the group to see them.",
                };
                var set = free.ToHashSet();
                foreach (var e in edges.Where(e => set.Contains(e.From) || set.Contains(e.To)).ToList())
                {
                    edges.Remove(e);
                    var moved = new LineageLink(set.Contains(e.From) ? id : e.From, set.Contains(e.To) ? id : e.To, e.Relation);
                    if (moved.From != moved.To) edges.Add(moved);
                }
                foreach (var m in free) nodes.Remove(m);
            }
            if (!changed) break;
        }
        var original = graph.Nodes.Select(n => n.Id).ToHashSet();
        return graph with { Nodes = graph.Nodes.Where(n => nodes.ContainsKey(n.Id)).Concat(nodes.Values.Where(n => !original.Contains(n.Id))).ToList(), Edges = [.. edges] };
    }

    public static string KindLabel(string kind) => kind.Replace('-', ' ');
}
