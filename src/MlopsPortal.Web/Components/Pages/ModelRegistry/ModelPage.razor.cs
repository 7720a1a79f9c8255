using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MudBlazor;

namespace MlopsPortal.Web.Components.Pages.ModelRegistry;

/// <summary>
/// A model: the overview first (what it is, its versions, stage, criteria, live status), then the acceptance criteria
/// and the definition, each in its own tab with its Save at the top. /models/new is the definition form alone.
/// </summary>
public sealed partial class ModelPage
{
    [Inject] private ModelService Models { get; set; } = default!;
    [Inject] private ModelChangeRequests ModelChanges { get; set; } = default!;
    [Inject] private IDbContextFactory<PortalDbContext> DbFactory { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public string? Slug { get; set; }
    [SupplyParameterFromQuery(Name = "created")] public int? CreatedFlag { get; set; }

    private static readonly IReadOnlyList<(string, string)> crumbs = [("Models", "/models")];

    private bool IsNew => Slug is null;
    private ModelForm form = new();
    private Model? saved;
    private bool inProduction, canEdit, canEditCriteria, canSignReasons, loaded, notFound, mayNotCreate;
    private IReadOnlyList<string> features = [];
    private int tab;
    private IReadOnlyList<(string UserName, string DisplayName)> users = [];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        canEdit = Actor.IsInAnyRole(ModelService.EditRoles);
        canEditCriteria = Actor.IsInAnyRole(ModelService.CriteriaRoles);
        canSignReasons = Actor.IsInAnyRole(ModelService.ReasonTextRoles);
        await using var db = await DbFactory.CreateDbContextAsync();
        users = (await db.Users.AsNoTracking().OrderBy(u => u.UserName).Select(u => new { u.UserName, u.DisplayName }).ToListAsync())
            .Select(u => (u.UserName!, u.DisplayName)).ToList();
    }

    protected override async Task OnParametersSetAsync()
    {
        // The same component serves /models/new and, after "Create", /models/{slug}: start clean.
        ActionError = null;
        notFound = mayNotCreate = false;
        tab = 0;
        if (IsNew)
        {
            // Registering a model is for its editors: others read why, inside the normal layout.
            mayNotCreate = !canEdit;
            if (mayNotCreate) return;
            form = new ModelForm { Owners = [Actor.Name] };
            saved = null;
        }
        else
        {
            try
            {
                await LoadAsync(await Models.GetAsync(Slug!));
                if (CreatedFlag == 1) Notify($"Created {Slug}.");
            }
            catch (PortalNotFoundException)
            {
                notFound = true;
            }
        }
        loaded = true;
    }

    private async Task LoadAsync(Model model)
    {
        saved = model;
        form = ModelForm.From(model);
        // Read once: a stage changes only through an approval request, never from this page.
        await using var db = await DbFactory.CreateDbContextAsync();
        inProduction = await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production);
        var versionFeatures = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == model.Id).OrderByDescending(v => v.Number).Select(v => v.Features).ToListAsync();
        features = model.FeatureColumns.Concat(versionFeatures.SelectMany(f => f)).Distinct().ToList();
    }

    private async Task SignReasonTextsAsync(IReadOnlyList<ReasonText> texts)
    {
        if (await RunAsync(async () => await LoadAsync(await Models.SetReasonTextsAsync(Actor, Slug!, texts)), success: null))
            Notify("Reason texts signed.");
    }

    private void Notify(string text) => Snackbar.Add(Message(text), Severity.Success);

    private async Task SaveAsync()
    {
        if (IsNew)
        {
            Model? created = null;
            if (await RunAsync(async () => created = await Models.CreateAsync(Actor, form.ToDefinition()), success: null))
                Navigation.NavigateTo($"/models/{created!.Slug}?created=1");
            return;
        }
        // Criteria are saved on their own tab (a model in Production changes them only through sign-off).
        if (await RunAsync(async () => await LoadAsync(await Models.UpdateAsync(Actor, Slug!, form.ToDefinition(saved!.AcceptanceCriteria))), success: null))
            Notify("Saved.");
    }

    private async Task SaveCriteriaAsync(string? justification)
    {
        ApprovalRequest? request = null;
        if (!await RunAsync(async () =>
            {
                request = await ModelChanges.ProposeCriteriaAsync(Actor, Slug!, form.AcceptanceCriteria(), justification);
                if (request is null) await LoadAsync(await Models.GetAsync(Slug!));
            }, success: null))
            return;
        if (request is not null)
            Navigation.NavigateTo($"/approvals/{request.Id}");
        else
            Notify("Acceptance criteria saved.");
    }

    private async Task CancelEdit()
    {
        if (saved is not null) await LoadAsync(await Models.GetAsync(saved.Slug));
        tab = 0;
    }
}
