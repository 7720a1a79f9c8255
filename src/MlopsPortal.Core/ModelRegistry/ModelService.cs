using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.ModelRegistry;

/// <summary>
/// A model's definition as people and scripts write it (the API body, `model create --definition`, the
/// page's form). Enums are strings so that a wrong value gets a message listing the right ones.
/// </summary>
public sealed record ModelDefinition
{
    public string? Slug { get; init; }
    public string DisplayName { get; init; } = "";
    public string Description { get; init; } = "";
    public List<string> Owners { get; init; } = [];
    public string Team { get; init; } = "";
    public string UseCase { get; init; } = "";
    public string RiskTier { get; init; } = "medium";
    public string Task { get; init; } = "binaryClassification";
    public List<string> KeyColumns { get; init; } = [];
    public string LabelColumn { get; init; } = "";
    public string? PositiveLabel { get; init; }
    public double? DecisionThreshold { get; init; }
    public string? PrimaryMetric { get; init; }
    public List<string> FeatureColumns { get; init; } = [];
    public List<string> SensitiveAttributes { get; init; } = [];
    public string KnownLimitations { get; init; } = "";
    public List<AcceptanceCriterion> AcceptanceCriteria { get; init; } = [];
    public DriftPolicy? DriftPolicy { get; init; }
    public List<ContractColumn> DataContract { get; init; } = [];

    public static ModelDefinition From(Model m) => new()
    {
        Slug = m.Slug, DisplayName = m.DisplayName, Description = m.Description, Owners = [.. m.Owners], Team = m.Team, UseCase = m.UseCase,
        RiskTier = JsonNamingPolicy.CamelCase.ConvertName(m.RiskTier.ToString()), Task = ModelService.TaskName(m.Task), KeyColumns = [.. m.KeyColumns], LabelColumn = m.LabelColumn,
        PositiveLabel = m.PositiveLabel, DecisionThreshold = m.DecisionThreshold, PrimaryMetric = m.PrimaryMetric,
        FeatureColumns = [.. m.FeatureColumns], SensitiveAttributes = [.. m.SensitiveAttributes], KnownLimitations = m.KnownLimitations,
        AcceptanceCriteria = [.. m.AcceptanceCriteria], DriftPolicy = m.DriftPolicy, DataContract = [.. m.DataContract],
    };
}

/// <summary>A model grid row.</summary>
public sealed class ModelRow
{
    public Guid Id { get; init; }
    public string Slug { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Team { get; init; } = "";
    public string UseCase { get; init; } = "";
    public RiskTier RiskTier { get; init; }
    public ModelTask Task { get; init; }
    public string PrimaryMetric { get; init; } = "";
    public DateTime UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";
}

/// <summary>
/// The model inventory: create and edit definitions (every change audited with what changed), page
/// through them, and check datasets against a model's data contract.
/// </summary>
public sealed partial class ModelService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public static readonly string[] EditRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];
    /// <summary>Business stakeholders own acceptance criteria (contracts §6); the model's editors may set them too.</summary>
    public static readonly string[] CriteriaRoles = [Roles.BusinessStakeholder, Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex SlugPattern();

    public static string TaskName(ModelTask task) => task == ModelTask.Regression ? "regression" : "binaryClassification";

    public async Task<Model> CreateAsync(Actor actor, ModelDefinition definition, CancellationToken ct = default)
    {
        actor.Require(EditRoles);
        var slug = (definition.Slug ?? "").Trim();
        if (!SlugPattern().IsMatch(slug))
            throw new PortalValidationException($"'{slug}' is not a model slug: use 1–100 lowercase letters, digits or dashes, starting with a letter or digit.");
        if (slug == "new")
            throw new PortalValidationException("'new' is reserved (the page that creates models): choose another slug.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Models.AnyAsync(m => m.Slug == slug, ct))
            throw new PortalValidationException($"A model with the slug '{slug}' already exists.");
        var now = DateTime.UtcNow;
        var model = new Model { Id = Guid.NewGuid(), Slug = slug, CreatedBy = actor.AuditName, CreatedAt = now, UpdatedBy = actor.AuditName, UpdatedAt = now };
        await ApplyAsync(db, model, definition, ct);
        db.Models.Add(model);
        db.Audit(actor.AuditName, "model.created", "model", model.Id.ToString(), ModelDefinition.From(model));
        await db.SaveChangesAsync(ct);
        return model;
    }

    /// <summary>Replaces the definition (the slug never changes); the audit event lists each changed field before and after.</summary>
    public async Task<Model> UpdateAsync(Actor actor, string slug, ModelDefinition definition, CancellationToken ct = default)
    {
        actor.Require(EditRoles);
        if (definition.Slug is { } s && s != slug)
            throw new PortalValidationException($"A model's slug never changes (asked to change '{slug}' to '{s}').");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindAsync(db, slug, ct);
        var before = ModelDefinition.From(model);
        await ApplyAsync(db, model, definition, ct);
        if (JsonSerializer.Serialize(before.AcceptanceCriteria, Json) != JsonSerializer.Serialize(model.AcceptanceCriteria, Json))
            await RefuseWhileInProductionAsync(db, model, ct);
        return await SaveChangesAsync(db, actor, model, before, "model.updated", ct);
    }

    /// <summary>Replaces only the acceptance criteria (what business stakeholders own).</summary>
    public async Task<Model> SetAcceptanceCriteriaAsync(Actor actor, string slug, IReadOnlyList<AcceptanceCriterion> criteria, CancellationToken ct = default)
    {
        actor.Require(CriteriaRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindAsync(db, slug, ct);
        var before = ModelDefinition.From(model);
        model.AcceptanceCriteria = ValidateCriteria(criteria, model.Task);
        if (JsonSerializer.Serialize(before.AcceptanceCriteria, Json) != JsonSerializer.Serialize(model.AcceptanceCriteria, Json))
            await RefuseWhileInProductionAsync(db, model, ct);
        return await SaveChangesAsync(db, actor, model, before, "model.acceptance-criteria-changed", ct);
    }

    /// <summary>Criteria of a model with a Production version change only through sign-off (contracts §6).</summary>
    private static async Task RefuseWhileInProductionAsync(PortalDbContext db, Model model, CancellationToken ct)
    {
        if (await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Stage == ModelRegistry.VersionStage.Production, ct))
            throw new PortalValidationException(
                $"'{model.Slug}' has a version in Production: its acceptance criteria change only through a signed-off request (propose the change instead).");
    }

    private static async Task<Model> SaveChangesAsync(PortalDbContext db, Actor actor, Model model, ModelDefinition before, string action, CancellationToken ct)
    {
        var changes = Changes(before, ModelDefinition.From(model));
        if (changes.Count == 0)
            return model;
        model.UpdatedAt = DateTime.UtcNow;
        model.UpdatedBy = actor.AuditName;
        db.Audit(actor.AuditName, action, "model", model.Id.ToString(), new { slug = model.Slug, changes });
        await db.SaveChangesAsync(ct);
        return model;
    }

    /// <summary>Field → { before, after } for every field whose JSON differs.</summary>
    private static Dictionary<string, object> Changes(ModelDefinition before, ModelDefinition after)
    {
        var a = JsonSerializer.SerializeToElement(before, Json);
        var b = JsonSerializer.SerializeToElement(after, Json);
        var changes = new Dictionary<string, object>();
        foreach (var property in b.EnumerateObject())
        {
            var old = a.GetProperty(property.Name);
            if (old.GetRawText() != property.Value.GetRawText())
                changes[property.Name] = new { before = old, after = property.Value };
        }
        return changes;
    }

    private static async Task<Model> FindAsync(PortalDbContext db, string slug, CancellationToken ct) =>
        await db.Models.SingleOrDefaultAsync(m => m.Slug == slug, ct) ?? throw new PortalNotFoundException($"No model with the slug '{slug}'.");

    /// <summary>Validates the definition and copies it onto the model; throws naming every problem at once.</summary>
    private static async Task ApplyAsync(PortalDbContext db, Model model, ModelDefinition d, CancellationToken ct)
    {
        var problems = new List<string>();
        void Check(bool ok, string problem) { if (!ok) problems.Add(problem); }
        var oversized = 0;
        void Limit(Action check)
        {
            try { check(); }
            catch (PortalValidationException e) { problems.Add(e.Message); oversized++; }
        }

        // Sizes first, each naming its field and limit (InputLimits); a definition past them is not read further.
        var displayName = (d.DisplayName ?? "").Trim();
        Check(displayName.Length > 0, "The display name is required.");
        Limit(() => InputLimits.Text(displayName, "The display name", InputLimits.Name));
        Limit(() => InputLimits.Text(d.Description, "The description", InputLimits.Prose));
        Limit(() => InputLimits.Text(d.KnownLimitations, "The known limitations", InputLimits.Prose));
        Limit(() => InputLimits.Text(d.Team?.Trim(), "The team", InputLimits.ShortName));
        Limit(() => InputLimits.Text(d.UseCase?.Trim(), "The use case", InputLimits.Summary));
        Limit(() => InputLimits.Text(d.LabelColumn?.Trim(), "The label column", InputLimits.ColumnName));
        Limit(() => InputLimits.Text(d.PositiveLabel?.Trim(), "The positive label", InputLimits.Name));
        Limit(() => InputLimits.List(d.Owners, "The owners", InputLimits.Owners, InputLimits.Line));
        Limit(() => InputLimits.List(d.KeyColumns, "The key columns", InputLimits.ListItems, InputLimits.ColumnName));
        Limit(() => InputLimits.List(d.FeatureColumns, "The feature columns", InputLimits.FeatureColumns, InputLimits.ColumnName));
        Limit(() => InputLimits.List(d.SensitiveAttributes, "The sensitive attributes", InputLimits.ListItems, InputLimits.ColumnName));
        Limit(() => InputLimits.Count(d.AcceptanceCriteria, "The acceptance criteria", InputLimits.ListItems));
        Limit(() => InputLimits.Count(d.DriftPolicy?.Overrides, "The drift policy's overrides", InputLimits.FeatureColumns));
        // The contract describes the keys, the features and the label.
        Limit(() => InputLimits.Count(d.DataContract, "The data contract", InputLimits.FeatureColumns + InputLimits.ListItems + 1));
        Limit(() => InputLimits.List(d.DataContract?.Select(c => c.Name).ToList(), "The data contract's columns", int.MaxValue, InputLimits.ColumnName));
        Limit(() => InputLimits.List(d.DataContract?.SelectMany(c => c.Categories ?? []).ToList(), "The data contract's categories", 100_000, InputLimits.Name));
        if (oversized > 0)
            throw new PortalValidationException(string.Join(" ", problems));

        var tier = Enum.TryParse<RiskTier>(d.RiskTier, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : (RiskTier?)null;
        Check(tier is not null, $"'{d.RiskTier}' is not a risk tier: use Low, Medium, High or Critical.");
        ModelTask? task = (d.Task ?? "").Replace("-", "").Replace("_", "").ToLowerInvariant() switch
        {
            "binaryclassification" or "classification" => ModelTask.BinaryClassification,
            "regression" => ModelTask.Regression,
            _ => null,
        };
        Check(task is not null, $"'{d.Task}' is not a task: use binaryClassification or regression.");

        var owners = (d.Owners ?? []).Select(o => o.Trim()).Where(o => o.Length > 0).Distinct().ToList();
        Check(owners.Count > 0, "A model needs at least one owner.");
        Check(System.Text.Json.JsonSerializer.Serialize(owners).Length <= InputLimits.OwnersJson,
            $"The owners' names together are longer than {InputLimits.OwnersJson:N0} characters: name fewer owners.");
        if (owners.Count > 0)
        {
            var known = await db.Users.Where(u => owners.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(ct);
            var unknown = owners.Except(known).ToList();
            Check(unknown.Count == 0, $"No user named {string.Join(", ", unknown.Select(u => $"'{u}'"))}: owners are portal users.");
        }

        var keys = Columns(d.KeyColumns);
        var features = Columns(d.FeatureColumns);
        var sensitive = Columns(d.SensitiveAttributes);
        var label = (d.LabelColumn ?? "").Trim();
        Check(label.Length > 0, "The label column is required.");
        Check(!features.Contains(label), $"The label column '{label}' cannot also be a feature.");
        foreach (var key in keys.Where(features.Contains))
            problems.Add($"The key column '{key}' cannot also be a feature (keys identify rows; they do not predict).");
        foreach (var list in new[] { ("key", d.KeyColumns), ("feature", d.FeatureColumns), ("sensitive attribute", d.SensitiveAttributes) })
            foreach (var dup in (list.Item2 ?? []).GroupBy(c => c.Trim()).Where(g => g.Count() > 1))
                problems.Add($"The {list.Item1} column '{dup.Key}' is listed twice.");

        var threshold = d.DecisionThreshold ?? 0.5;
        var positive = string.IsNullOrWhiteSpace(d.PositiveLabel) ? null : d.PositiveLabel.Trim();
        if (task == ModelTask.BinaryClassification)
        {
            Check(positive is not null, "A binary classifier needs a positive label (the label value that counts as positive).");
            Check(threshold is > 0 and < 1, $"The decision threshold {threshold} must be between 0 and 1 (exclusive).");
        }
        var primary = string.IsNullOrWhiteSpace(d.PrimaryMetric) ? Metrics.DefaultPrimary(task ?? ModelTask.BinaryClassification) : d.PrimaryMetric.Trim();
        if (task is { } knownTask)
            Check(Metrics.For(knownTask).Contains(primary), $"'{primary}' is not a metric for {TaskName(knownTask)}: use one of {string.Join(", ", Metrics.For(knownTask))}.");

        List<AcceptanceCriterion> criteria = [];
        try { criteria = ValidateCriteria(d.AcceptanceCriteria ?? [], task ?? ModelTask.BinaryClassification); }
        catch (PortalValidationException e) { problems.Add(e.Message); }

        var drift = d.DriftPolicy ?? new DriftPolicy();
        Check(drift.DriftedShareThreshold is > 0 and <= 1, $"The drifted-share threshold {drift.DriftedShareThreshold} must be in (0, 1].");
        Check(drift.MinCurrentRows >= 1, "The minimum current rows for a drift verdict must be at least 1.");
        foreach (var o in drift.Overrides ?? [])
        {
            Check(Metrics.DriftTests.Contains(o.Test), $"Drift override for '{o.Column}': '{o.Test}' is not a test; use one of {string.Join(", ", Metrics.DriftTests)}.");
            Check(double.IsFinite(o.Threshold) && o.Threshold >= 0, $"Drift override for '{o.Column}': the threshold must be a non-negative number.");
        }
        foreach (var dup in (drift.Overrides ?? []).GroupBy(o => o.Column).Where(g => g.Count() > 1))
            problems.Add($"The drift policy overrides '{dup.Key}' twice.");

        var contract = d.DataContract ?? [];
        foreach (var c in contract)
        {
            Check(!string.IsNullOrWhiteSpace(c.Name), "A data contract column has no name.");
            Check(DataContractCheck.Types.Contains(c.Type), $"Data contract column '{c.Name}': '{c.Type}' is not a type; use one of {string.Join(", ", DataContractCheck.Types)}.");
            Check(c.Min is null || c.Max is null || c.Min <= c.Max, $"Data contract column '{c.Name}': the minimum is above the maximum.");
        }
        foreach (var dup in contract.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            problems.Add($"The data contract lists '{dup.Key}' twice.");
        if (contract.Count > 0)
        {
            var named = contract.Select(c => c.Name).ToHashSet();
            var uncovered = keys.Concat(features).Append(label).Where(c => c.Length > 0 && !named.Contains(c)).Distinct().ToList();
            Check(uncovered.Count == 0, $"The data contract does not describe {string.Join(", ", uncovered.Select(c => $"'{c}'"))}: add them, or derive the contract from a dataset.");
        }

        if (problems.Count > 0)
            throw new PortalValidationException(string.Join(" ", problems));

        model.DisplayName = displayName;
        model.Description = (d.Description ?? "").Trim();
        model.Owners = owners;
        model.Team = (d.Team ?? "").Trim();
        model.UseCase = (d.UseCase ?? "").Trim();
        model.RiskTier = tier!.Value;
        model.Task = task!.Value;
        model.KeyColumns = keys;
        model.LabelColumn = label;
        model.PositiveLabel = task == ModelTask.BinaryClassification ? positive : null;
        model.DecisionThreshold = threshold;
        model.PrimaryMetric = primary;
        model.FeatureColumns = features;
        model.SensitiveAttributes = sensitive;
        model.KnownLimitations = (d.KnownLimitations ?? "").Trim();
        model.AcceptanceCriteria = criteria;
        model.DriftPolicy = drift with { Overrides = [.. drift.Overrides ?? []] };
        model.DataContract = [.. contract];
    }

    private static List<string> Columns(IEnumerable<string>? columns) =>
        (columns ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToList();

    internal static List<AcceptanceCriterion> ValidateCriteria(IReadOnlyList<AcceptanceCriterion> criteria, ModelTask task)
    {
        InputLimits.Count(criteria, "The acceptance criteria", InputLimits.ListItems);
        var problems = new List<string>();
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            var row = $"Acceptance criterion {i + 1}";
            if (!Metrics.For(task).Contains(c.Metric))
                problems.Add($"{row}: '{c.Metric}' is not a metric for {TaskName(task)}; use one of {string.Join(", ", Metrics.For(task))}.");
            if (!Metrics.Comparators.Contains(c.Comparator))
                problems.Add($"{row}: '{c.Comparator}' is not a comparator; use one of {string.Join(" ", Metrics.Comparators)}.");
            if (!double.IsFinite(c.Threshold))
                problems.Add($"{row}: the threshold must be a number.");
            if (!Roles.IsKnown(c.OwningRole))
                problems.Add($"{row}: '{c.OwningRole}' is not a role; use one of {string.Join(", ", Roles.All)}.");
        }
        foreach (var dup in criteria.GroupBy(c => (c.Metric, c.Comparator)).Where(g => g.Count() > 1))
            problems.Add($"The criterion '{dup.Key.Metric} {dup.Key.Comparator}' is listed twice.");
        if (problems.Count > 0)
            throw new PortalValidationException(string.Join(" ", problems));
        return [.. criteria];
    }

    public async Task<Model> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
               ?? throw new PortalNotFoundException($"No model with the slug '{slug}'.");
    }

    /// <summary>Models for grids that page, sort and filter in SQL.</summary>
    public static IQueryable<ModelRow> Query(PortalDbContext db) =>
        db.Models.AsNoTracking().Select(m => new ModelRow
        {
            Id = m.Id, Slug = m.Slug, DisplayName = m.DisplayName, Team = m.Team, UseCase = m.UseCase, RiskTier = m.RiskTier,
            Task = m.Task, PrimaryMetric = m.PrimaryMetric, UpdatedAt = m.UpdatedAt, UpdatedBy = m.UpdatedBy,
        });

    public async Task<(IReadOnlyList<ModelRow> Items, int Total)> PageAsync(string? search, RiskTier? tier, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Query(db);
        if (!string.IsNullOrWhiteSpace(search))
            query = query.Where(m => m.Slug.Contains(search.ToLower()) || m.DisplayName.Contains(search));
        if (tier is { } t)
            query = query.Where(m => m.RiskTier == t);
        return (await query.OrderBy(m => m.Slug).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct), await query.CountAsync(ct));
    }

    /// <summary>Checks a dataset version against the model's data contract.</summary>
    public async Task<IReadOnlyList<ContractViolation>> CheckContractAsync(string slug, Guid datasetVersionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
                    ?? throw new PortalNotFoundException($"No model with the slug '{slug}'.");
        var schema = await db.DatasetVersions.AsNoTracking().Where(v => v.Id == datasetVersionId).Select(v => v.Schema).SingleOrDefaultAsync(ct)
                     ?? throw new PortalNotFoundException($"No dataset version {datasetVersionId}.");
        if (model.DataContract.Count == 0)
            throw new PortalValidationException($"The model '{slug}' has no data contract yet: derive one from a dataset version on its page.");
        return DataContractCheck.Check(model.DataContract, JsonSerializer.Deserialize<List<SchemaColumn>>(schema, Json)!);
    }

    /// <summary>A contract built from a dataset version's schema, for the model's key, label and feature columns (all columns when none are set).</summary>
    public async Task<List<ContractColumn>> DeriveContractAsync(Guid datasetVersionId, IReadOnlyCollection<string> columns, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schema = await db.DatasetVersions.AsNoTracking().Where(v => v.Id == datasetVersionId).Select(v => v.Schema).SingleOrDefaultAsync(ct)
                     ?? throw new PortalNotFoundException($"No dataset version {datasetVersionId}.");
        var parsed = JsonSerializer.Deserialize<List<SchemaColumn>>(schema, Json)!;
        var missing = columns.Where(c => parsed.All(s => s.Name != c)).ToList();
        if (missing.Count > 0)
            throw new PortalValidationException($"The dataset version has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}.");
        return DataContractCheck.FromSchema(parsed, columns);
    }
}
