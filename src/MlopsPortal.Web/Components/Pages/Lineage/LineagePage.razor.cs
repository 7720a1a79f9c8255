using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Components.Pages.Lineage;

/// <summary>The lineage graph around one entity: direction, depth, kinds shown, a highlighted path, pan, zoom and fit.</summary>
public sealed partial class LineagePage
{
    [Inject] private LineageService Lineage { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter] public string Kind { get; set; } = "";
    [Parameter] public string Id { get; set; } = "";
    [SupplyParameterFromQuery(Name = "direction")] public string? DirectionText { get; set; }
    [SupplyParameterFromQuery(Name = "depth")] public int? Depth { get; set; }
    [SupplyParameterFromQuery(Name = "expand")] public string[]? Expand { get; set; }
    [SupplyParameterFromQuery(Name = "hide")] public string[]? HideKinds { get; set; }

    private sealed record NodeChoice(string Text, string Value);

    private LineageDrawing? drawing;
    private LineageNode? focus;
    private string? error, pathFrom, pathTo, pathMessage;
    private LineageDirection direction;
    private int depth;
    private HashSet<string> hidden = [];
    private List<string> kindsPresent = [];
    private List<NodeChoice> nodeChoices = [];
    private IReadOnlySet<string> highlightNodes = new HashSet<string>();
    private IReadOnlySet<LineageLink> highlightEdges = new HashSet<LineageLink>();
    private bool canExplain, attach;
    private ElementReference canvas;

    private string Counts => drawing is not { Graph: var g } ? "" :
        $"{g.Nodes.Count} nodes, {g.Edges.Count} edges" +
        (g.Collapsed.Count > 0 ? $"; {g.Collapsed.Count} group(s) collapsed (click one to expand)" : "") +
        (g.Truncated ? $"; stopped at {LineageService.MaxNodes:N0} nodes" : "") + ".";

    protected override async Task OnParametersSetAsync()
    {
        error = null;
        direction = Enum.TryParse<LineageDirection>(DirectionText, true, out var d) ? d : LineageDirection.Both;
        depth = Math.Clamp(Depth ?? LineageService.DefaultDepth, 1, LineageService.MaxDepth);
        hidden = (HideKinds ?? []).Where(LineageService.Kinds.Contains).ToHashSet();
        try
        {
            var graph = await Lineage.GetAsync(new LineageQuery(Kind, Id, direction, depth) { Expand = (Expand ?? []).ToHashSet(), Hide = hidden });
            drawing = LineageDrawing.Of(graph);
            focus = graph.Nodes.First(n => n.Focus);
            kindsPresent = graph.Nodes.Select(n => n.Kind).Concat(hidden).Distinct().OrderBy(k => LineageService.Kinds.ToList().IndexOf(k)).ToList();
            nodeChoices = graph.Nodes.OrderBy(n => n.Name).Select(n => new NodeChoice($"{n.Name} ({LineageStyle.Of(n.Kind).Label.ToLowerInvariant()})", n.Id)).ToList();
            canExplain = Kind == EntityKinds.ScoringJob
                         || Kind == EntityKinds.ModelVersion
                         || (Kind == EntityKinds.DatasetVersion && graph.Edges.Any(e => e.To == graph.Focus && e.From.StartsWith(EntityKinds.ScoringJob + ":", StringComparison.Ordinal)));
            pathFrom = pathTo = null;
            ClearHighlight();
            attach = true;
        }
        catch (Exception e) when (e is PortalNotFoundException or PortalValidationException)
        {
            error = e.Message;
            drawing = null;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (attach && drawing is not null)
        {
            attach = false;
            // Opens fitted to the canvas: every node shown, at a size that keeps the labels readable (lineage.js).
            await JS.InvokeVoidAsync("mlopsLineage.attach", canvas);
        }
    }

    private string ChoiceText(string? id) => id is null ? "" : nodeChoices.FirstOrDefault(c => c.Value == id)?.Text ?? id;

    private void HighlightPath()
    {
        if (drawing is null || pathFrom is null || pathTo is null) return;
        var (nodes, edges) = drawing.Graph.PathBetween(pathFrom, pathTo);
        highlightNodes = nodes;
        highlightEdges = edges;
        pathMessage = nodes.Count == 0 ? "These two nodes are not connected in this picture; try a larger depth." : $"The path has {edges.Count} edge(s).";
    }

    private void ClearHighlight()
    {
        highlightNodes = new HashSet<string>();
        highlightEdges = new HashSet<LineageLink>();
        pathMessage = null;
    }

    private void ToggleKind(string kind)
    {
        var next = hidden.ToHashSet();
        if (!next.Remove(kind)) next.Add(kind);
        Go(hide: next);
    }

    private void Go(LineageDirection? direction = null, int? depth = null, IEnumerable<string>? hide = null) =>
        Navigation.NavigateTo(Url(direction, depth, hide: hide));

    private string Url(LineageDirection? direction = null, int? depth = null, IEnumerable<string>? expand = null, IEnumerable<string>? hide = null) =>
        Navigation.GetUriWithQueryParameters($"/lineage/{Kind}/{Uri.EscapeDataString(Id)}", new Dictionary<string, object?>
        {
            ["direction"] = (direction ?? this.direction).ToString().ToLowerInvariant(),
            ["depth"] = depth ?? this.depth,
            ["expand"] = (expand ?? Expand ?? []).Distinct().ToArray(),
            ["hide"] = (hide ?? hidden).ToArray(),
        });

    private async Task ZoomAsync(double factor) => await JS.InvokeVoidAsync("mlopsLineage.zoom", canvas, factor);
    private async Task FitAsync() => await JS.InvokeVoidAsync("mlopsLineage.fit", canvas);
    private async Task ExportAsync() => await JS.InvokeVoidAsync("mlopsLineage.exportSvg", canvas, $"lineage-{Kind}-{Id}.svg");
}
