using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Web.Components.Pages.Training;

/// <summary>
/// A model version: its facts and promotion first, then tabs for its evidence (validation, evaluations, audits), the forms
/// that evaluate, score or audit it, its features, and its reproducibility.
/// </summary>
public partial class ModelVersionPage
{
    [Inject] private TrainingService Training { get; set; } = default!;
    [Inject] private ModelService Models { get; set; } = default!;
    [Inject] private FairnessService Fairness { get; set; } = default!;
    [Inject] private IDbContextFactory<PortalDbContext> DbFactory { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    private ModelVersionView? view;
    private Model? model;
    private ModelVersion? champion;
    private IReadOnlyList<FeatureEncoding> features = [];
    private EvaluationResult? validation;
    private IReadOnlyList<ModelEvaluation> evaluations = [];
    private IReadOnlyList<FairnessAuditRecord> audits = [];
    private List<VersionChoice> choices = [];
    private bool notFound, canRun, canAudit, packageMissing;
    /// <summary>The logistic regression's coefficients (null for other engines).</summary>
    private (IReadOnlyList<(string Input, float Weight)> Weights, float Bias)? coefficients;
    private int tab;

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        try
        {
            view = await Training.GetVersionAsync(Id);
        }
        catch (PortalNotFoundException)
        {
            notFound = true;
            return;
        }
        model = await Models.GetAsync(view.ModelSlug);
        await using (var db = await DbFactory.CreateDbContextAsync())
            champion = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(x => x.ModelId == model.Id && x.Stage == VersionStage.Production);
        try
        {
            await using var package = Training.OpenPackage(view.Version);
            var (manifest, modelBytes) = ModelPackage.Read(package);
            features = manifest.Features;
            coefficients = Engine.Models.ScoringModels.Coefficients(manifest, modelBytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The record stays readable when the artifact store lost the file; saying so is part of the evidence.
            packageMissing = true;
        }
        validation = ValidationResult(view.Version);
        evaluations = await Training.EvaluationsAsync(Id);
        choices = await TrainingFormat.DatasetVersionsAsync(DbFactory);
        canRun = await MayAsync(Policies.TrainModels);
        canAudit = await MayAsync(Policies.RunFairnessAudits);
        audits = await Fairness.ForVersionAsync(Id);
    }

    /// <summary>The validation metrics stored with a trained version, shown with the evaluation table.</summary>
    private static EvaluationResult? ValidationResult(ModelVersion v)
    {
        if (v.ValidationMetrics is null) return null;
        var classification = v.Task == "binaryClassification"
            ? System.Text.Json.JsonSerializer.Deserialize<ClassificationMetrics>(v.ValidationMetrics, TrainingJson.Options) : null;
        var regression = classification is null
            ? System.Text.Json.JsonSerializer.Deserialize<RegressionMetrics>(v.ValidationMetrics, TrainingJson.Options) : null;
        return new(v.Task, (int)(classification?.Confusion.Total ?? 0), null, classification, regression, []);
    }
}
