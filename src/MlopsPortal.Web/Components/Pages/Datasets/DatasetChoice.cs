namespace MlopsPortal.Web.Components.Pages.Datasets;

/// <summary>A dataset's latest version as a choice in the model page's pickers.</summary>
public sealed record DatasetChoice(Guid? Id, string Text);
